"""Repatriation: my repatriations, one plan with its steps, updating a step."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from audit.models import AuditAction
from audit.services import audit_record, audit_record_many
from cases import access, disclosure
from repatriation import selectors as repatriation_selectors
from repatriation import services as repatriation_services
from repatriation.forms import StepForm
from repatriation.models import STEP_FIELDS, RepatriationPlan, RepatriationStep

from ..serializers import repatriation as sx
from ..serializers.common import ConflictSerializer
from .common import IntegerIdMixin, conflict, form_valid, pk_or_404, validated


@extend_schema(tags=["repatriation"])
class RepatriationPlanViewSet(
    IntegerIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Repatriation plans. The list is "my repatriations": plans on cases you may see where
    your organisation is the embassy, the lead or responsible for a step, most pressing
    first. Reading one plan needs view on its case (404 otherwise). The place is identity."""

    serializer_class = sx.RepatriationPlanSerializer

    def get_queryset(self):
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
            for step in plan.steps.all():  # prefetched: the instances the serializer reads
                step.can_view_identity = plan.can_view_identity
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

    @extend_schema(examples=sx.PLAN_LIST_EXAMPLES)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self._prepare(page, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(examples=sx.PLAN_DETAIL_EXAMPLES)
    def retrieve(self, request, *args, **kwargs):
        plan = RepatriationPlan.objects.filter(pk=pk_or_404(kwargs["pk"])).only("case").first()
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

    serializer_class = sx.RepatriationStepSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RepatriationStep.objects.none()
        return RepatriationStep.objects.select_related(
            "plan__case", "responsible_organization"
        ).filter(
            plan__case__in=access.cases_visible_to(self.request.user, access.VIEW).values("pk")
        )

    def get_object(self):
        step = self.get_queryset().filter(pk=pk_or_404(self.kwargs["pk"])).first()
        if step is None:
            raise NotFound(_("Not found."))
        step.can_view_identity = access.user_can(
            self.request.user, step.plan.case, access.VIEW_IDENTITY
        )
        return step

    @extend_schema(examples=sx.STEP_DETAIL_EXAMPLES)
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
        request=sx.StepUpdateSerializer,
        responses={200: sx.RepatriationStepSerializer, 409: ConflictSerializer},
        examples=sx.STEP_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, *args, **kwargs):
        step = self.get_object()
        access.case_for(request.user, step.plan.case_id, access.UPDATE_REPATRIATION)
        sent = validated(sx.StepUpdateSerializer, request)
        # A field this user may not see cannot be sent (403, as for a case's current place).
        if disclosure.Disclosure(identity=step.can_view_identity).hidden(STEP_FIELDS) & set(sent):
            raise PermissionDenied(disclosure.NOT_YOURS)
        # Partial: the fields left out keep the step's current values; the page's form then
        # checks the whole (a blocked step still needs its reason).
        current = {
            "status": step.status,
            "due_date": step.due_date,
            "note": step.note,
            "reason": step.reason,
        }
        form = StepForm(
            data={**current, **sent}, prefix_id=step.pk, can_view_identity=step.can_view_identity
        )
        if "due_date" not in sent:
            # A kept due date is not re-checked against today's range (the service checks
            # a due date only when it changes).
            form.fields["due_date"].validators = []
        form_valid(form)
        cleaned = form.cleaned_data
        try:
            step = repatriation_services.step_update_from_form(
                step=step, by=request.user, cleaned=cleaned
            )
        except repatriation_services.StaleStep as exc:
            current = RepatriationStep.objects.get(pk=step.pk)
            return conflict(exc.messages[0], current.version)
        return Response(self.get_serializer(self.get_object()).data)
