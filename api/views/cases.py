"""Cases, their notes and their consents."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied as PermissionDenied_
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditAction
from audit.services import audit_record, audit_record_many
from cases import access, usecases
from cases.forms import ConsentForm
from cases.models import CaseExploitation, CaseNote, Consent
from cases.services import (
    StaleCase,
    case_note_add,
    consent_record,
    consent_withdraw,
)
from cases.usecases import case_search

from ..filters import CaseSearchParameters
from ..idempotency import idempotent
from ..serializers import cases as sx
from ..serializers.common import ConflictSerializer
from .common import IDEMPOTENCY_HEADER, conflict, form_valid, pk_or_404, validated


def _case_queryset(qs):
    return qs.select_related("person", "owner_organization").prefetch_related(
        Prefetch("exploitations", queryset=CaseExploitation.objects.order_by("type"))
    )


@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases the caller's organisation may see. Identity fields are absent without the
    view-identity permission; a case the caller may not see answers 404."""

    serializer_class = sx.CaseSerializer

    # The query parameters and their OpenAPI description come from the filter registry.
    filter_backends = [CaseSearchParameters]

    def get_queryset(self):
        return _case_queryset(self._search().cases)

    def _search(self):
        """The case page's search and filters (cases/usecases.py): a name or phone search
        needs a role that may see identity (403), a bad value answers 400."""
        result, errors = case_search(
            self.request.user, self.request.query_params, request=self.request, via="api"
        )
        if result.forbidden:
            raise PermissionDenied_(result.forbidden)
        if errors:
            raise ValidationError(errors)
        return result

    @extend_schema(examples=sx.LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        audit_record_many(
            action=AuditAction.VIEWED_CASE,
            actor=request.user,
            targets=page,
            request=request,
            detail={"via": "api", "list": True},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(examples=sx.DETAIL_EXAMPLES)
    def retrieve(self, request, *args, **kwargs):
        case = access.case_for(
            request.user,
            kwargs["pk"],
            access.VIEW,
            queryset=_case_queryset(access.Case.objects.all()),
        )
        can_view_identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
        audit_record(
            action=AuditAction.VIEWED_IDENTITY if can_view_identity else AuditAction.VIEWED_CASE,
            actor=request.user,
            target=case,
            request=request,
            detail={"via": "api"},
        )
        case.can_view_identity = can_view_identity
        return Response(self.get_serializer(case).data)

    @extend_schema(
        request=sx.CaseUpdateSerializer,
        responses={200: sx.CaseSerializer, 409: ConflictSerializer},
        examples=sx.UPDATE_EXAMPLES,
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a case's facts through the service the case page uses. ``version`` is the
        version you read: a stale one answers 409 and writes nothing."""
        case = access.case_for(request.user, pk_or_404(kwargs["pk"]), access.CHANGE)
        data = validated(sx.CaseUpdateSerializer, request)
        for name in ("country_of_exploitation", "current_country"):
            if name in data:
                data[name] = data[name].upper()
        # The case page's form and use case: the same fields, rules and messages.
        form = usecases.case_form_for_update(case, user=request.user, sent=data)
        form_valid(form)
        try:
            case = usecases.case_update_from_form(case=case, by=request.user, form=form)
        except StaleCase as exc:
            return conflict(
                _("The case was changed by someone else since you read it."),
                exc.current.version,
            )
        case = _case_queryset(access.Case.objects.all()).get(pk=case.pk)
        case.can_view_identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
        audit_record(
            action=AuditAction.VIEWED_IDENTITY
            if case.can_view_identity
            else AuditAction.VIEWED_CASE,
            actor=request.user,
            target=case,
            request=request,
            detail={"via": "api"},
        )
        return Response(self.get_serializer(case).data)


class CaseChildMixin:
    """Endpoints under /cases/{case_pk}/: the case is fetched through the access module."""

    case_perm = access.VIEW

    def get_case(self):
        if not hasattr(self, "_case"):
            self._case = access.case_for(self.request.user, self.kwargs["case_pk"], self.case_perm)
        return self._case

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "case_pk" in self.kwargs and not getattr(self, "swagger_fake_view", False):
            context["can_view_identity"] = access.user_can(
                self.request.user, self.get_case(), access.VIEW_IDENTITY
            )
        return context


@extend_schema(tags=["cases"])
@extend_schema_view(list=extend_schema(examples=sx.NOTE_LIST_EXAMPLES))
class CaseNoteViewSet(
    CaseChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Notes on a case. Bodies are free text and may identify the person: they are absent
    without the view-identity permission. Adding a note needs the change permission."""

    serializer_class = sx.CaseNoteSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return CaseNote.objects.none()
        return (
            CaseNote.objects.filter(case=self.get_case())
            .select_related("author", "organization")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        examples=sx.NOTE_CREATE_EXAMPLES,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retry-safe create: same key, same answer.",
            )
        ],
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        case = self.get_case()
        # 403 for a reader, whatever the body: the permission is checked before the content.
        access.require(request.user, case, access.CHANGE)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = case_note_add(case=case, body=serializer.validated_data["body"], by=request.user)
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cases"])
class ConsentListView(CaseChildMixin, generics.ListAPIView):
    """The person's consent decisions on a case, newest first. Recording one needs the change
    permission on the case."""

    serializer_class = sx.ConsentSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Consent.objects.none()
        return self.get_case().consents.order_by("-given_at", "-id")

    @extend_schema(examples=sx.CONSENT_LIST_EXAMPLES)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_record(
            action=AuditAction.VIEWED_CASE,
            actor=request.user,
            target=self.get_case(),
            request=request,
            detail={"via": "api", "consents": True},
        )
        return response

    @extend_schema(
        request=sx.ConsentCreateSerializer,
        responses={201: sx.ConsentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=sx.CONSENT_CREATE_EXAMPLES,
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        self.case_perm = access.CHANGE
        case = self.get_case()
        data = validated(sx.ConsentCreateSerializer, request)
        data.setdefault("given_at", timezone.now())
        form = ConsentForm(data=data)
        form_valid(form)
        # The page's consent form and service, as the case page records one.
        consent = consent_record(case=case, by=request.user, **form.cleaned_data)
        return Response(sx.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cases"])
class ConsentWithdrawView(CaseChildMixin, APIView):
    """The person withdraws a consent they gave: it takes effect at once (no referral or
    export for the purpose any more); partners holding the case are told by reference only.
    Withdrawing twice is harmless."""

    case_perm = access.CHANGE

    @extend_schema(
        request=None,
        responses={200: sx.ConsentSerializer},
        examples=sx.CONSENT_WITHDRAW_EXAMPLES,
    )
    def post(self, request, case_pk, pk):
        case = self.get_case()
        consent = get_object_or_404(Consent, case=case, pk=pk_or_404(pk))
        consent = consent_withdraw(consent=consent, by=request.user)
        return Response(sx.ConsentSerializer(consent).data)
