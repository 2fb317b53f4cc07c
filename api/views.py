"""API views: HTTP only. Cases through cases.access, writes through the services the pages
use, every read of a case audited."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as PermissionDenied_
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditAction
from audit.services import audit_record, audit_record_many
from cases import access
from cases.models import CaseExploitation, CaseNote, Consent
from cases.services import case_note_add
from cases.usecases import case_search
from notifications.models import Notification
from partners.models import Organization
from partners.roles import Right, has_right
from referrals.models import Referral
from repatriation.models import RepatriationPlan, RepatriationStep

from . import examples as ex
from . import serializers as s
from .filters import CaseSearchParameters
from .idempotency import idempotent
from .models import ApiToken
from .throttling import TokenEndpointThrottle

ERROR_404 = OpenApiExample(
    "Not found (or not yours)",
    status_codes=["404"],
    value={"error": {"code": "not_found", "message": "Not found."}},
    response_only=True,
)


# --- shared helpers ---------------------------------------------------------------------------


def _form_valid(form) -> None:
    """Run one of the pages' forms on the API's data: the same rules, field-level messages."""
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})


def _validated(serializer_class, request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _pk_or_404(value) -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise NotFound(_("Not found."))
    return int(value)


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retry-safe create: the same key with the same body answers the first answer "
    "again (header Idempotent-Replayed: true) instead of creating twice.",
)


def _conflict(message: str, current_version: int) -> Response:
    return Response(
        {
            "error": {
                "code": "conflict",
                "message": message,
                "current_version": current_version,
            }
        },
        status=status.HTTP_409_CONFLICT,
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
@extend_schema_view(
    list=extend_schema(examples=[ex.answer("The directory", ex.ORGANISATION, list_page=True)]),
    retrieve=extend_schema(examples=[ex.answer("One organisation", ex.ORGANISATION), ERROR_404]),
)
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

    @extend_schema(
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
                            "industry": "03.11",
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

    @extend_schema(
        examples=[
            ex.answer("Without view-identity: names, phone, place absent", ex.CASE),
            ex.answer(
                "With view-identity",
                {
                    **ex.CASE,
                    "can_view_identity": True,
                    "current_place": "Port of Pattani",
                    "person": {
                        **ex.PERSON,
                        "given_name": "",
                        "family_name": "",
                        "given_name_latin": "Dara",
                        "family_name_latin": "",
                        "date_of_birth": None,
                        "phone": "",
                        "document_number": "",
                        "family_contacts": "",
                    },
                },
            ),
            ERROR_404,
        ]
    )
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
        request=s.CaseUpdateSerializer,
        responses={200: s.CaseSerializer, 409: s.ConflictSerializer},
        examples=[
            OpenApiExample(
                "Close a case",
                request_only=True,
                value={"version": 3, "status": "closed"},
            ),
            OpenApiExample(
                "Someone saved first",
                status_codes=["409"],
                response_only=True,
                value={
                    "error": {
                        "code": "conflict",
                        "message": "The case was changed by someone else since you read it.",
                        "current_version": 4,
                    }
                },
            ),
            ERROR_404,
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        """Change a case's facts through the service the case page uses. ``version`` is the
        version you read: a stale one answers 409 and writes nothing."""
        from cases.services import StaleCase, case_update
        from partners.models import User

        case = access.case_for(request.user, _pk_or_404(kwargs["pk"]), access.CHANGE)
        data = _validated(s.CaseUpdateSerializer, request)
        version = data.pop("version")
        exploitation_types = data.pop("exploitation_types", None)
        if "assigned_to" in data and data["assigned_to"] is not None:
            # Whether the assignee may hold the case is the service's rule (a member of the
            # owner, active); here only an unknown id is refused, in the same words.
            assignee = User.objects.filter(pk=data["assigned_to"]).first()
            if assignee is None:
                raise ValidationError({"assigned_to": [_("Assign only to a member of the owner.")]})
            data["assigned_to"] = assignee
        for name in ("country_of_exploitation", "current_country"):
            if name in data:
                data[name] = data[name].upper()
        try:
            case = case_update(
                case=case,
                by=request.user,
                version=version,
                changes=data,
                exploitation_types=exploitation_types,
            )
        except StaleCase as exc:
            return _conflict(
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
@extend_schema_view(
    list=extend_schema(examples=[ex.answer("Notes", ex.NOTE, list_page=True), ERROR_404]),
)
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
    """The person's consent decisions on a case, newest first. Recording one needs the change
    permission on the case."""

    serializer_class = s.ConsentSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Consent.objects.none()
        return self.get_case().consents.order_by("-given_at", "-id")

    @extend_schema(examples=[ex.answer("The consents on a case", [ex.CONSENT]), ERROR_404])
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
        request=s.ConsentCreateSerializer,
        responses={201: s.ConsentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "Consent to share with partners, given verbally",
                request_only=True,
                value={"purpose": "share_partners", "granted": True, "method": "verbal"},
            ),
            OpenApiExample("Recorded", response_only=True, status_codes=["201"], value=ex.CONSENT),
            ERROR_404,
        ],
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        from cases.forms import ConsentForm
        from cases.services import consent_record

        self.case_perm = access.CHANGE
        case = self.get_case()
        data = _validated(s.ConsentCreateSerializer, request)
        data.setdefault("given_at", timezone.now())
        form = ConsentForm(data=data)
        _form_valid(form)
        consent = consent_record(
            case=case,
            by=request.user,
            purpose=form.cleaned_data["purpose"],
            granted=form.cleaned_data["granted"],
            method=form.cleaned_data["method"],
            given_at=form.cleaned_data.get("given_at"),
            note=form.cleaned_data.get("note") or "",
        )
        return Response(s.ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cases"])
class ConsentWithdrawView(CaseChildMixin, APIView):
    """The person withdraws a consent they gave: it takes effect at once (no referral or
    export for the purpose any more); partners holding the case are told by reference only.
    Withdrawing twice is harmless."""

    case_perm = access.CHANGE

    @extend_schema(
        request=None,
        responses={200: s.ConsentSerializer},
        examples=[
            ex.answer("Withdrawn", {**ex.CONSENT, "withdrawn_at": "2026-11-29T04:00:00Z"}),
            ERROR_404,
        ],
    )
    def post(self, request, case_pk, pk):
        from cases.services import consent_withdraw

        case = self.get_case()
        consent = get_object_or_404(Consent, case=case, pk=_pk_or_404(pk))
        consent = consent_withdraw(consent=consent, by=request.user)
        return Response(s.ConsentSerializer(consent).data)


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
@extend_schema_view(
    list=extend_schema(examples=[ex.answer("Your tokens", ex.TOKEN, list_page=True)]),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your tokens; an organisation admin sees and may revoke those of their organisation's
    users. DELETE revokes (the row stays, for the audit trail)."""

    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ApiToken.objects.none()
        user = self.request.user
        qs = ApiToken.objects.select_related("user")
        if has_right(user, Right.MANAGE_API_TOKENS):
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


# --- distress calls ---------------------------------------------------------------------------

CALL_EXAMPLE = {
    "channel": "hotline",
    "urgency": "immediate",
    "caller_relation": "family",
    "caller_phone": "+85512345678",
    "language": "Khmer",
    "reported_country": "TH",
    "reported_port": "Pattani",
    "summary": "Two brothers on a fishing boat, not paid for 8 months, passports taken.",
    "exploitation_types": ["forced_labour"],
    "industry": "03.11",
    "persons": [
        {"given_name_latin": "Dara", "sex": "male", "estimated_age": 24, "nationality": "KH"},
        {"given_name_latin": "Vuthy", "sex": "male", "estimated_age": 19, "nationality": "KH"},
    ],
}


@extend_schema(tags=["distress calls"])
class DistressCallViewSet(
    IntegerIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Distress calls about cases the caller may see. Caller details and the summary are
    identity: absent unless the caller may view identity on every case of the call. Logging a
    call opens one case per person (grouped when several), through the intake service the
    hotline page uses."""

    serializer_class = s.DistressCallSerializer

    def get_queryset(self):
        from cases.models import DistressCall

        if getattr(self, "swagger_fake_view", False):
            return DistressCall.objects.none()
        user = self.request.user
        visible = access.cases_visible_to(user, access.VIEW).values("pk")
        return (
            DistressCall.objects.filter(cases__in=visible)
            .distinct()
            .select_related("organization")
            .prefetch_related("cases")
            .order_by("-received_at", "-id")
        )

    def _mark_identity(self, calls) -> None:
        case_ids = {c.pk for call in calls for c in call.cases.all()}
        identity = set(
            access.cases_visible_to(self.request.user, access.VIEW_IDENTITY)
            .filter(pk__in=case_ids)
            .values_list("pk", flat=True)
        )
        for call in calls:
            ids = {c.pk for c in call.cases.all()}
            call.can_view_identity = bool(ids) and ids <= identity

    def _audit(self, calls, request) -> None:
        """Every case read is logged; a call shown with its caller details is an identity
        view of its cases."""
        for shown in (True, False):
            group = [call for call in calls if call.can_view_identity is shown]
            cases = {c.pk: c for call in group for c in call.cases.all()}
            if cases:
                audit_record_many(
                    action=AuditAction.VIEWED_IDENTITY if shown else AuditAction.VIEWED_CASE,
                    actor=request.user,
                    targets=list(cases.values()),
                    request=request,
                    detail={"via": "api", "calls": sorted(call.pk for call in group)},
                )

    @extend_schema(examples=[ex.answer("A page of calls", ex.CALL, list_page=True)])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self._mark_identity(page)
        self._audit(page, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        examples=[
            ex.answer("With view-identity", ex.CALL_WITH_IDENTITY),
            ex.answer("Without view-identity: caller details and summary absent", ex.CALL),
            ERROR_404,
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        call = self.get_object()
        self._mark_identity([call])
        self._audit([call], request)
        return Response(self.get_serializer(call).data)

    @extend_schema(
        request=s.DistressCallCreateSerializer,
        responses={201: s.DistressCallSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "A hotline call about two persons", request_only=True, value=CALL_EXAMPLE
            ),
            OpenApiExample(
                "Logged: two cases",
                response_only=True,
                status_codes=["201"],
                value=ex.CALL_WITH_IDENTITY,
            ),
        ],
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        from cases.forms import DistressCallForm, PersonIntakeForm
        from cases.services import PersonIntake, distress_call_create

        if not access.may_log_calls(request.user):
            raise PermissionDenied_()
        data = _validated(s.DistressCallCreateSerializer, request)
        persons_data = data.pop("persons", [])
        data.setdefault("received_at", timezone.now())
        call_form = DistressCallForm(data=data, user=request.user)
        call_errors = {k: list(v) for k, v in call_form.errors.items()}
        org = request.user.organization
        region = str(org.country) if org else None
        persons: list[PersonIntake] = []
        errors: list[dict] = []
        for item in persons_data:
            link = item.pop("link_case", None)
            if link:
                persons.append(PersonIntake(link_case_id=link))
                errors.append({})
                continue
            form = PersonIntakeForm(data=item, region=region)
            if form.is_valid():
                persons.append(PersonIntake(person=form.save(commit=False)))
                errors.append({})
            else:
                errors.append({k: list(v) for k, v in form.errors.items()})
        if any(errors):
            # Keyed by the person's index, as the serializer reports its own errors.
            call_errors["persons"] = {str(i): e for i, e in enumerate(errors) if e}
        if call_errors:
            raise ValidationError(call_errors)
        if call_form.existing_case is None and not persons:
            raise ValidationError(
                {"persons": [_("Name at least one person, or choose an existing case.")]}
            )
        call, _cases = distress_call_create(
            by=request.user,
            call=call_form.save(commit=False),
            persons=persons,
            existing_case=call_form.existing_case,
            exploitation_types=call_form.cleaned_data.get("exploitation_types"),
            case_fields=call_form.case_fields(),
        )
        call = self.get_queryset().get(pk=call.pk)
        self._mark_identity([call])
        return Response(self.get_serializer(call).data, status=status.HTTP_201_CREATED)


# --- referrals --------------------------------------------------------------------------------


def _referral_queryset(qs):
    return qs.select_related("case", "from_organization", "to_organization")


@extend_schema(tags=["referrals"])
class ReferralViewSet(
    IntegerIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Referrals your organisation sent or received (roles that work on cases). A referral
    shows reference, service, urgency and message — never who the person is; the receiver
    may open the case only after accepting. Transitions go through the referral services the
    pages use: a referral that is not in the right state answers 400."""

    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        from referrals import selectors as referral_selectors
        from referrals.access import referrals_visible_to

        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        box = self.request.query_params.get("box", "")
        if box == "incoming":
            return referral_selectors.incoming(self.request.user)
        if box == "outgoing":
            return referral_selectors.outgoing(self.request.user)
        if box:
            raise ValidationError({"box": [_("Choose incoming or outgoing.")]})
        return _referral_queryset(referrals_visible_to(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def get_object(self):
        from referrals.access import referral_for

        return referral_for(
            self.request.user,
            _pk_or_404(self.kwargs["pk"]),
            queryset=_referral_queryset(Referral.objects.all()),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "box",
                OpenApiTypes.STR,
                enum=["incoming", "outgoing"],
                description="Only referrals received (pending first) or sent",
            )
        ],
        examples=[ex.answer("A page of referrals", ex.REFERRAL, list_page=True)],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(examples=[ex.answer("A pending referral", ex.REFERRAL), ERROR_404])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "Refer to a shelter",
                request_only=True,
                value={
                    "case": 42,
                    "to_organization": 7,
                    "service": "shelter",
                    "urgency": "urgent",
                    "message": "Adult man, needs a bed tonight in Bangkok.",
                },
            ),
            OpenApiExample("Sent", response_only=True, status_codes=["201"], value=ex.REFERRAL),
        ],
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        from referrals import services as referral_services
        from referrals.forms import ReferralForm

        data = _validated(s.ReferralCreateSerializer, request)
        case = access.case_for(request.user, data.pop("case"), access.REFER)
        user = request.user
        form = ReferralForm(data=data, organization=user.organization)
        _form_valid(form)
        cleaned = form.cleaned_data
        referral = referral_services.referral_create(
            by=user,
            case=case,
            to_organization=cleaned["to_organization"],
            service=cleaned["service"],
            urgency=cleaned["urgency"],
            message=cleaned["message"],
            override_reason=cleaned["override_reason"]
            if has_right(user, Right.OVERRIDE_CONSENT)
            else "",
            request=request._request,
        )
        referral = _referral_queryset(Referral.objects.all()).get(pk=referral.pk)
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, action, **kwargs):
        referral = self.get_object()
        referral = action(by=request.user, referral=referral, request=request._request, **kwargs)
        referral = _referral_queryset(Referral.objects.all()).get(pk=referral.pk)
        return Response(self.get_serializer(referral).data)

    @extend_schema(
        request=None,
        responses={200: s.ReferralSerializer},
        examples=[ex.answer("Accepted", {**ex.REFERRAL, "status": "accepted"}), ERROR_404],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        """The receiving organisation accepts: it is granted what the service needs."""
        from referrals import services as referral_services

        return self._transition(request, referral_services.referral_accept)

    @extend_schema(
        request=s.DeclineSerializer,
        responses={200: s.ReferralSerializer},
        examples=[
            OpenApiExample(
                "No bed free",
                request_only=True,
                value={"reason": "No bed free until next week."},
            ),
            ex.answer(
                "Declined",
                {
                    **ex.REFERRAL,
                    "status": "declined",
                    "decline_reason": "No bed free until next week.",
                },
            ),
            ERROR_404,
        ],
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None, **kwargs):
        """The receiving organisation declines, with a reason. Nothing is granted."""
        from referrals import services as referral_services
        from referrals.access import is_receiver
        from referrals.forms import DeclineForm

        # 404 for a referral the caller may not see and 403 for the sending side, whatever
        # the body: who may act is checked before the content (as on the page).
        if not is_receiver(request.user, self.get_object()):
            raise PermissionDenied_()
        data = _validated(s.DeclineSerializer, request)
        form = DeclineForm(data=data)
        _form_valid(form)
        return self._transition(
            request, referral_services.referral_decline, reason=form.cleaned_data["reason"]
        )

    @extend_schema(
        request=None,
        responses={200: s.ReferralSerializer},
        examples=[ex.answer("Completed", {**ex.REFERRAL, "status": "completed"}), ERROR_404],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None, **kwargs):
        """The service was delivered: the receiver keeps read-only access."""
        from referrals import services as referral_services

        return self._transition(request, referral_services.referral_complete)

    @extend_schema(
        request=None,
        responses={200: s.ReferralSerializer},
        examples=[ex.answer("Cancelled", {**ex.REFERRAL, "status": "cancelled"}), ERROR_404],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        """The sender withdraws a pending or accepted referral."""
        from referrals import services as referral_services

        return self._transition(request, referral_services.referral_cancel)


# --- repatriation -----------------------------------------------------------------------------


@extend_schema(tags=["repatriation"])
class RepatriationPlanViewSet(
    IntegerIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Repatriation plans. The list is "my repatriations": plans on cases you may see where
    your organisation is the embassy, the lead or responsible for a step, most pressing
    first. Reading one plan needs view on its case (404 otherwise). The place is identity."""

    serializer_class = s.RepatriationPlanSerializer

    def get_queryset(self):
        from repatriation import selectors as repatriation_selectors

        if getattr(self, "swagger_fake_view", False):
            return RepatriationPlan.objects.none()
        return repatriation_selectors.my_repatriations(self.request.user)

    def _prepare(self, plans, request) -> None:
        case_ids = {p.case_id for p in plans}
        identity = set(
            access.cases_visible_to(request.user, access.VIEW_IDENTITY)
            .filter(pk__in=case_ids)
            .values_list("pk", flat=True)
        )
        for plan in plans:
            plan.can_view_identity = plan.case_id in identity
        # Every case read is logged; a plan shown with its place is an identity view.
        for shown in (True, False):
            group = [p for p in plans if bool(p.can_view_identity and p.place) is shown]
            if group:
                audit_record_many(
                    action=AuditAction.VIEWED_IDENTITY if shown else AuditAction.VIEWED_CASE,
                    actor=request.user,
                    targets=[p.case for p in group],
                    request=request,
                    detail={"via": "api", "repatriation_plans": [p.pk for p in group]},
                )

    @extend_schema(examples=[ex.answer("My repatriations", ex.PLAN, list_page=True)])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self._prepare(page, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        examples=[
            ex.answer("With view-identity", {**ex.PLAN, "place": "Shelter in Bangkok"}),
            ex.answer("Without view-identity: place absent", ex.PLAN),
            ERROR_404,
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        from repatriation import selectors as repatriation_selectors

        plan = RepatriationPlan.objects.filter(pk=_pk_or_404(kwargs["pk"])).only("case").first()
        if plan is None:
            raise NotFound(_("Not found."))
        case = access.case_for(request.user, plan.case_id, access.VIEW)
        full = repatriation_selectors.plan_for_case(case)
        assert full is not None
        self._prepare([full], request)
        return Response(self.get_serializer(full).data)


@extend_schema(tags=["repatriation"])
class RepatriationStepViewSet(IntegerIdMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One step of a repatriation plan. Updating needs the update-repatriation permission on
    the case; ``version`` is the step's version you read (a stale one answers 409)."""

    serializer_class = s.RepatriationStepSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RepatriationStep.objects.none()
        return RepatriationStep.objects.select_related(
            "plan__case", "responsible_organization"
        ).filter(
            plan__case__in=access.cases_visible_to(self.request.user, access.VIEW).values("pk")
        )

    def get_object(self):
        step = self.get_queryset().filter(pk=_pk_or_404(self.kwargs["pk"])).first()
        if step is None:
            raise NotFound(_("Not found."))
        return step

    @extend_schema(examples=[ex.answer("A step", ex.STEP), ERROR_404])
    def retrieve(self, request, *args, **kwargs):
        step = self.get_object()
        audit_record(
            action=AuditAction.VIEWED_CASE,
            actor=request.user,
            target=step.plan.case,
            request=request,
            detail={"via": "api", "repatriation_step": step.pk},
        )
        return Response(self.get_serializer(step).data)

    @extend_schema(
        request=s.StepUpdateSerializer,
        responses={200: s.RepatriationStepSerializer, 409: s.ConflictSerializer},
        examples=[
            OpenApiExample(
                "Travel document issued",
                request_only=True,
                value={"version": 2, "status": "done", "note": "Issued by the embassy."},
            ),
            ex.answer(
                "Saved",
                {**ex.STEP, "status": "done", "note": "Issued by the embassy.", "version": 4},
            ),
            ERROR_404,
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        from repatriation import services as repatriation_services
        from repatriation.forms import StepForm

        step = self.get_object()
        access.case_for(request.user, step.plan.case_id, access.UPDATE_REPATRIATION)
        sent = _validated(s.StepUpdateSerializer, request)
        # Partial: the fields left out keep the step's current values; the page's form then
        # checks the whole (a blocked step still needs its reason).
        current = {
            "status": step.status,
            "due_date": step.due_date,
            "note": step.note,
            "reason": step.reason,
        }
        form = StepForm(data={**current, **sent}, prefix_id=step.pk)
        if "due_date" not in sent:
            # A kept due date is not re-checked against today's range (the service checks
            # a due date only when it changes).
            form.fields["due_date"].validators = []
        _form_valid(form)
        cleaned = form.cleaned_data
        try:
            step = repatriation_services.step_update(
                step=step,
                by=request.user,
                version=cleaned["version"],
                status=cleaned["status"],
                due_date=cleaned["due_date"],
                note=cleaned["note"],
                reason=cleaned["reason"],
            )
        except repatriation_services.StaleStep as exc:
            current = RepatriationStep.objects.get(pk=step.pk)
            return _conflict(exc.messages[0], current.version)
        return Response(self.get_serializer(self.get_object()).data)


# --- notifications ----------------------------------------------------------------------------


@extend_schema(tags=["notifications"])
class NotificationViewSet(IntegerIdMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notifications, newest first (never a person's name, phone or location)."""

    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        from notifications.selectors import for_user

        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = for_user(self.request.user).order_by("-created_at", "-id")
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread")],
        examples=[ex.answer("Your notifications", ex.NOTIFICATION, list_page=True)],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: s.NotificationSerializer},
        examples=[
            ex.answer("Read", {**ex.NOTIFICATION, "read_at": "2026-11-29T04:00:00Z", "read": True}),
            ERROR_404,
        ],
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        """Mark one of your notifications read (another user's answers 404)."""
        from notifications.services import notification_mark_read

        notification = get_object_or_404(self.get_queryset(), pk=_pk_or_404(pk))
        notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: s.MarkedReadSerializer},
        examples=[ex.answer("Marked", {"marked": 3})],
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, **kwargs):
        """Mark all your notifications read."""
        from notifications.services import notification_mark_read

        return Response({"marked": notification_mark_read(user=request.user)})
