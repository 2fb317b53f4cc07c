"""API views: HTTP only. Cases through cases.access, writes through the services the pages
use, every read of a case audited."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditAction
from audit.services import audit_record, audit_record_many
from cases import access, selectors
from cases.models import CaseExploitation, CaseNote, Consent
from cases.services import case_note_add
from partners.models import Organization
from partners.roles import Role

from . import serializers as s
from .idempotency import idempotent
from .models import ApiToken
from .throttling import TokenEndpointThrottle

ERROR_404 = OpenApiExample(
    "Not found (or not yours)",
    status_codes=["404"],
    value={"error": {"code": "not_found", "message": "Not found."}},
    response_only=True,
)


def _case_queryset(qs):
    return qs.select_related("person", "owner_organization").prefetch_related(
        Prefetch("exploitations", queryset=CaseExploitation.objects.order_by("type"))
    )


class IntegerIdMixin:
    """A malformed id is simply not found (JSON 404), never a server error."""

    def get_object(self):
        lookup = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs.get(lookup)
        if not str(value).isdigit():
            raise NotFound(_("Not found."))
        return super().get_object()


# --- organisations -------------------------------------------------------------------------


@extend_schema(tags=["organisations"])
class OrganizationViewSet(IntegerIdMixin, viewsets.ReadOnlyModelViewSet):
    """Partner organisations (public directory: names, kinds, countries)."""

    serializer_class = s.OrganizationSerializer
    queryset = Organization.objects.filter(is_active=True).order_by("name")


# --- cases ---------------------------------------------------------------------------------


@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases the caller's organisation may see. Identity fields are absent without the
    view-identity permission; a case the caller may not see answers 404."""

    serializer_class = s.CaseSerializer

    def get_queryset(self):
        q = self.request.query_params.get("q", "")
        return _case_queryset(selectors.case_list(self.request.user, q=q))

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Reference search")],
        examples=[
            OpenApiExample(
                "A page of cases",
                response_only=True,
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": 42,
                            "reference": "KH-PPCARE-2026-00042",
                            "pseudonym": "P-BX7KQ2MN",
                            "status": "active",
                            "urgency": "immediate",
                            "trafficking_status": "possible",
                            "industry": "fishing",
                            "country_of_exploitation": "MY",
                            "person": {
                                "sex": "male",
                                "nationality": "KH",
                                "stateless": False,
                                "age": 34,
                            },
                            "can_view_identity": False,
                        }
                    ],
                },
            )
        ],
    )
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

    @extend_schema(examples=[ERROR_404])
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
class CaseNoteViewSet(
    CaseChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Notes on a case. Bodies are free text and may identify the person: they are absent
    without the view-identity permission. Adding a note needs the change permission."""

    serializer_class = s.CaseNoteSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return CaseNote.objects.none()
        return (
            CaseNote.objects.filter(case=self.get_case())
            .select_related("author", "organization")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        examples=[
            OpenApiExample(
                "A note",
                request_only=True,
                value={"body": "Called the family; he is safe in port."},
            )
        ],
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
    """The person's consent decisions on a case, newest first."""

    serializer_class = s.ConsentSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Consent.objects.none()
        return self.get_case().consents.order_by("-given_at", "-id")


# --- tokens --------------------------------------------------------------------------------


@extend_schema(tags=["auth"])
class TokenView(APIView):
    """Exchange a username and password (and a TOTP code where the user has 2FA) for an
    expiring token. Rate limited per address."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenEndpointThrottle]

    def get_authenticate_header(self, request):
        # Wrong credentials answer 401 (with the scheme to use), not 403.
        return "Bearer"

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={201: s.TokenIssuedSerializer},
        examples=[
            OpenApiExample(
                "Hotline system",
                request_only=True,
                value={"username": "hotline-bot", "password": "…", "name": "hotline"},
            )
        ],
    )
    def post(self, request):
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not getattr(user, "organization_id", None):
            raise AuthenticationFailed(_("Wrong username or password."))
        from . import otp

        if otp.user_has_device(user) and not otp.verify(user, data.get("otp", "")):
            raise ValidationError({"otp": [_("Enter the current code from your authenticator.")]})
        token, raw = ApiToken.issue(user=user, name=data.get("name", ""))
        audit_record(
            action=AuditAction.LOGIN,
            actor=user,
            request=request._request,
            detail={"via": "api-token", "token": token.key},
        )
        return Response(
            {"id": token.pk, "token": raw, "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["auth"])
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens; an organisation admin sees and may revoke those of their organisation's
    users. DELETE revokes (the row stays, for the audit trail)."""

    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ApiToken.objects.none()
        user = self.request.user
        qs = ApiToken.objects.select_related("user")
        if user.role == Role.ORG_ADMIN:
            return qs.filter(user__organization_id=user.organization_id)
        return qs.filter(user=user)

    def destroy(self, request, *args, **kwargs):
        if not str(kwargs["pk"]).isdigit():
            raise NotFound(_("Not found."))
        token = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = request.user
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(
                action=AuditAction.CHANGED,
                actor=request.user,
                target=token,
                request=request,
                detail={"revoked": True},
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other URL under /api/: the API's JSON 404, never the site's HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        raise NotFound(_("Not found."))

    post = put = patch = delete = get
