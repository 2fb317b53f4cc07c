"""Distress calls: logging one through the hotline page's intake service, reading them."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied as PermissionDenied_
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from audit.models import AuditAction
from audit.services import audit_record_many
from cases import access
from cases.forms import DistressCallForm, PersonIntakeForm
from cases.models import DistressCall
from cases.usecases import NO_PERSON_CODE, intake_check, intake_log

from ..idempotency import idempotent
from ..serializers import calls as sx
from .common import IDEMPOTENCY_HEADER, IntegerIdMixin, validated


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

    serializer_class = sx.DistressCallSerializer

    def get_queryset(self):
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

    @extend_schema(examples=sx.LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self._mark_identity(page)
        self._audit(page, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(examples=sx.DETAIL_EXAMPLES)
    def retrieve(self, request, *args, **kwargs):
        call = self.get_object()
        self._mark_identity([call])
        self._audit([call], request)
        return Response(self.get_serializer(call).data)

    @extend_schema(
        request=sx.DistressCallCreateSerializer,
        responses={201: sx.DistressCallSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        examples=sx.CREATE_EXAMPLES,
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        if not access.may_log_calls(request.user):
            raise PermissionDenied_()
        data = validated(sx.DistressCallCreateSerializer, request)
        persons_data = data.pop("persons", [])
        data.setdefault("received_at", timezone.now())
        call_form = DistressCallForm(data=data, user=request.user)
        org = request.user.organization
        region = str(org.country) if org else None
        entries: list[PersonIntakeForm | int] = []
        for item in persons_data:
            link = item.pop("link_case", None)
            entries.append(link if link else PersonIntakeForm(data=item, region=region))
        intake = intake_check(call_form, entries)
        if intake is None:
            raise ValidationError(_intake_errors(call_form, entries))
        call, _cases = intake_log(request.user, intake)
        call = self.get_queryset().get(pk=call.pk)
        self._mark_identity([call])
        return Response(self.get_serializer(call).data, status=status.HTTP_201_CREATED)


def _intake_errors(call_form: DistressCallForm, entries) -> dict:
    """The refusal as the serializer reports its own: by field, the persons' by index."""
    errors: dict = {}
    for name, refused in call_form.errors.as_data().items():
        for error in refused:
            key = "persons" if error.code == NO_PERSON_CODE else name
            errors.setdefault(key, []).extend(error.messages)
    persons = {
        str(i): {k: list(v) for k, v in entry.errors.items()}
        for i, entry in enumerate(entries)
        if not isinstance(entry, int) and entry.is_bound and entry.errors
    }
    if persons:
        errors["persons"] = persons
    return errors
