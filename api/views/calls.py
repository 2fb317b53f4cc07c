"""Distress calls: logging one through the hotline page's intake service, reading them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
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
from cases.services import PersonIntake, distress_call_create

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
