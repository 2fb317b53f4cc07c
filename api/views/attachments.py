"""Attachments of a case: list, upload (multipart), metadata, download, delete. The same
rules as the case page: documents.access decides what is visible (identity kinds need view
identity, else they are absent and 404), documents.validation checks every file and
documents.services writes, audits and queues thumbnails."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditAction
from audit.services import audit_record
from cases import access
from config.parsers import DepthLimitedJSONParser
from documents import access as doc_access
from documents import services
from documents.validation import validate_uploads
from documents.views import _file_response
from repatriation.models import RepatriationStep

from ..serializers import attachments as sx
from .common import pk_or_404


def _api_errors(exc: DjangoValidationError, field: str) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return ApiValidationError({field: [str(m) for m in exc.messages]})


@extend_schema(tags=["attachments"])
class CaseAttachmentListView(APIView):
    """The attachments of a case the caller may see (identity kinds only with view
    identity), newest first, at most 200; upload one or more files (change permission, or
    update-repatriation for a step of the case's plan)."""

    parser_classes = [MultiPartParser, DepthLimitedJSONParser]
    LIMIT = 200

    @extend_schema(responses={200: sx.AttachmentSerializer(many=True)}, examples=sx.LIST_EXAMPLES)
    def get(self, request, case_pk):
        case = access.case_for(request.user, pk_or_404(case_pk), access.VIEW)
        rows = list(doc_access.visible_attachments(request.user, case)[: self.LIMIT])
        audit_record(
            action=AuditAction.VIEWED_CASE,
            actor=request.user,
            target=case,
            request=request,
            detail={"via": "api", "attachments": True},
        )
        identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
        context = {"can_view_identity": identity}
        return Response(sx.AttachmentSerializer(rows, many=True, context=context).data)

    @extend_schema(
        request={"multipart/form-data": sx.AttachmentUploadSerializer},
        responses={201: sx.AttachmentSerializer(many=True)},
        examples=sx.UPLOAD_EXAMPLES,
    )
    def post(self, request, case_pk):
        case = access.case_for(request.user, pk_or_404(case_pk), access.VIEW)
        # 403 before the body is read, for a caller who may not upload here at all.
        if not doc_access.may_upload_anything(request.user, case):
            raise PermissionDenied
        data = request.data
        body = {
            "kind": data.get("kind"),
            "description": data.get("description", ""),
            "document_date": data.get("document_date") or None,
            "repatriation_step": data.get("repatriation_step") or None,
            "files": request.FILES.getlist("files"),
        }
        serializer = sx.AttachmentUploadSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        valid = serializer.validated_data
        step = None
        if valid.get("repatriation_step"):
            step = get_object_or_404(
                RepatriationStep, pk=valid["repatriation_step"], plan__case=case
            )
        if not doc_access.may_upload(request.user, case, step=step):
            raise ApiValidationError(
                {"repatriation_step": [_("Choose the step these files belong to.")]}
            )
        try:
            files = validate_uploads(valid["files"])
            created = services.attachment_upload(
                case=case,
                by=request.user,
                files=files,
                kind=valid["kind"],
                description=valid.get("description", ""),
                document_date=valid.get("document_date"),
                step=step,
                request=request,
            )
        except DjangoValidationError as exc:
            raise _api_errors(exc, "files") from None
        identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
        data = sx.AttachmentSerializer(created, many=True, context={"can_view_identity": identity})
        return Response(data.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["attachments"])
class AttachmentDetailView(APIView):
    """One attachment's facts; DELETE removes its file (the record stays)."""

    @extend_schema(responses={200: sx.AttachmentSerializer}, examples=sx.DETAIL_EXAMPLES)
    def get(self, request, pk):
        attachment = doc_access.attachment_for(request.user, pk_or_404(pk))
        audit_record(
            action=AuditAction.ATTACHMENT_VIEWED,
            actor=request.user,
            target=attachment.case,
            request=request,
            detail={"attachment": attachment.pk, "kind": attachment.kind, "via": "api"},
        )
        identity = access.user_can(request.user, attachment.case, access.VIEW_IDENTITY)
        context = {"can_view_identity": identity}
        return Response(sx.AttachmentSerializer(attachment, context=context).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        attachment = doc_access.attachment_for(request.user, pk_or_404(pk), change=True)
        services.attachment_delete(attachment=attachment, by=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["attachments"])
class AttachmentDownloadView(APIView):
    """The file itself (decrypted), as an attachment; every download is an audit row."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (PDF, JPEG, PNG or WebP)."
            )
        },
        examples=sx.DOWNLOAD_EXAMPLES,
    )
    def get(self, request, pk) -> HttpResponse:
        attachment = doc_access.attachment_for(request.user, pk_or_404(pk))
        data = services.attachment_open(
            attachment=attachment, by=request.user, how=services.DOWNLOAD, request=request
        )
        return _file_response(
            data, attachment.content_type, inline=False, filename=attachment.download_name()
        )
