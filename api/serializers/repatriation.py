"""Repatriation plans and their steps."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repatriation.models import (
    PLAN_FIELDS,
    STEP_FIELDS,
    RepatriationPlan,
    RepatriationStep,
    StepStatus,
)

from .. import examples as ex
from .common import (
    CaseRefSerializer,
    DisclosedFieldsMixin,
    OrganizationRefSerializer,
    model_text,
)


class RepatriationStepSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = STEP_FIELDS

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    responsible_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    # Identity (free text): present only with view-identity.
    note = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)

    class Meta:
        model = RepatriationStep
        fields = [
            "id",
            "plan",
            "order",
            "kind",
            "responsible_organization",
            "due_date",
            "status",
            "done_at",
            "note",
            "reason",
            "changed_at",
            "version",
        ]
        read_only_fields = fields


class RepatriationPlanSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = PLAN_FIELDS

    case = CaseRefSerializer(read_only=True)
    embassy = OrganizationRefSerializer(read_only=True, allow_null=True)
    lead_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    steps = RepatriationStepSerializer(many=True, read_only=True)
    # Identity: present only with view-identity.
    place = serializers.CharField(required=False)
    home_province = serializers.CharField(required=False)

    class Meta:
        model = RepatriationPlan
        fields = [
            "id",
            "case",
            "situation",
            "home_province",
            "embassy",
            "lead_organization",
            "target_return_date",
            "status",
            "created_at",
            "updated_at",
            "version",
            "steps",
            "place",
        ]
        read_only_fields = fields


class StepUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The step's version you read; a stale one answers 409.")
    )
    # PATCH is partial: a field left out keeps its value (status included).
    status = serializers.ChoiceField(choices=StepStatus.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    note = model_text(RepatriationStep, "note", required=False, allow_blank=True)
    reason = model_text(
        RepatriationStep,
        "reason",
        required=False,
        allow_blank=True,
        help_text=_("Required when the step is blocked or skipped."),
    )


# --- examples -------------------------------------------------------------------------------

STEP = {
    "id": 410,
    "plan": 21,
    "order": 2,
    "kind": "travel_document",
    "responsible_organization": {"id": 12, "name": "Embassy of Cambodia, Bangkok"},
    "due_date": "2026-12-10",
    "status": "in_progress",
    "done_at": None,
    "note": "Photos sent.",
    "reason": "",
    "changed_at": "2026-11-28T09:00:00Z",
    "version": 3,
}
PLAN_WITH_IDENTITY = {
    "id": 21,
    "case": ex.CASE_REF,
    "situation": "shelter",
    "place": "Shelter in Bangkok",
    "home_province": "Prey Veng",
    "embassy": {"id": 12, "name": "Embassy of Cambodia, Bangkok"},
    "lead_organization": {"id": 9, "name": "Migration Office Bangkok"},
    "target_return_date": "2026-12-20",
    "status": "in_progress",
    "created_at": "2026-11-20T08:00:00Z",
    "updated_at": "2026-11-28T09:00:00Z",
    "version": 2,
    "steps": [STEP],
}
# Without view-identity: what cases.disclosure hides is absent, in the plan and its steps.
PLAN = {
    **{k: v for k, v in PLAN_WITH_IDENTITY.items() if k not in PLAN_FIELDS.identity},
    "steps": [{k: v for k, v in STEP.items() if k not in STEP_FIELDS.identity}],
}

PLAN_LIST_EXAMPLES = [ex.answer("My repatriations", PLAN_WITH_IDENTITY, list_page=True)]
PLAN_DETAIL_EXAMPLES = [
    ex.answer("With view-identity", PLAN_WITH_IDENTITY),
    ex.answer("Without view-identity: places and step notes absent", PLAN),
    ex.ERROR_404,
]
STEP_DETAIL_EXAMPLES = [ex.answer("A step", STEP), ex.ERROR_404]
STEP_UPDATE_EXAMPLES = [
    ex.sent(
        "Travel document issued",
        {"version": 2, "status": "done", "note": "Issued by the embassy."},
    ),
    ex.answer(
        "Saved",
        {**STEP, "status": "done", "note": "Issued by the embassy.", "version": 4},
    ),
    ex.ERROR_404,
]
