"""Reintegration: services delivered, follow-ups with their outcomes, the service directory.
Places and notes are identity (``SERVICE_FIELDS``, ``FOLLOW_UP_FIELDS``, cases.disclosure):
absent for a caller without view-identity, and a write sending them is refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from reintegration.models import (
    FOLLOW_UP_FIELDS,
    OUTCOMES,
    SERVICE_FIELDS,
    FollowUp,
    OfferArea,
    Repayment,
    ServiceOffer,
    ServiceRecord,
)

from .common import CaseRefSerializer, DisclosedFieldsMixin, OrganizationRefSerializer, model_text


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Repayment
        fields = ["id", "paid_on", "amount"]
        read_only_fields = fields


class ServiceRecordSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = SERVICE_FIELDS

    provider = OrganizationRefSerializer(read_only=True)
    provider_id = serializers.IntegerField(
        write_only=True,
        required=False,
        help_text=_(
            "The provider organisation; yours if absent (only the owner may name another)."
        ),
    )
    referral_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("An accepted referral of this case to the provider."),
    )
    repayments = RepaymentSerializer(many=True, read_only=True)
    place = model_text(ServiceRecord, "place", required=False, allow_blank=True)
    note = model_text(ServiceRecord, "note", required=False, allow_blank=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "type",
            "provider",
            "provider_id",
            "referral_id",
            "status",
            "started_on",
            "ended_on",
            "amount",
            "currency",
            "schedule",
            "repayments",
            "place",
            "note",
            "created_at",
        ]
        read_only_fields = ["id", "provider", "repayments", "created_at"]


class FollowUpSerializer(DisclosedFieldsMixin, serializers.ModelSerializer):
    disclosure_group = FOLLOW_UP_FIELDS

    case = CaseRefSerializer(read_only=True)
    assigned_organization = OrganizationRefSerializer(read_only=True)
    new_case = CaseRefSerializer(read_only=True)
    new_case_reference = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=_("Reference of a new case opened for the person (re-trafficked)."),
    )
    place = model_text(FollowUp, "place", required=False, allow_blank=True)
    note = model_text(FollowUp, "note", required=False, allow_blank=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "case",
            "months",
            "returned_on",
            "due_on",
            "window_start",
            "window_end",
            "assigned_organization",
            "held_on",
            "method",
            "reached",
            *OUTCOMES,
            "new_case_reference",
            "place",
            "note",
            "recorded_at",
        ]
        read_only_fields = [
            "id",
            "case",
            "months",
            "returned_on",
            "due_on",
            "window_start",
            "window_end",
            "assigned_organization",
            "new_case",
            "recorded_at",
        ]


class OfferAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = OfferArea
        fields = ["country", "province"]
        read_only_fields = fields


class ServiceOfferSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    areas = OfferAreaSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceOffer
        fields = [
            "id",
            "organization",
            "service",
            "for_sex",
            "age_min",
            "age_max",
            "languages",
            "beds_free",
            "capacity_updated_on",
            "how_to_refer",
            "areas",
        ]
        read_only_fields = fields


# --- OpenAPI examples (pseudonymous; api/examples.py) ----------------------------------------

from .. import examples as ex  # noqa: E402

SERVICE = {
    "id": 41,
    "type": "micro_loan",
    "provider": ex.ORG,
    "referral_id": 77,
    "status": "ongoing",
    "started_on": "2026-09-01",
    "ended_on": None,
    "amount": "1200000.00",
    "currency": "KHR",
    "schedule": "monthly",
    "repayments": [{"id": 5, "paid_on": "2026-10-01", "amount": "100000.00"}],
    "place": "Market stall, Phnom Penh",
    "note": "Repays on market days.",
    "created_at": "2026-09-01T09:00:00+07:00",
}
FOLLOW_UP = {
    "id": 12,
    "case": ex.CASE_REF,
    "months": 3,
    "returned_on": "2026-09-01",
    "due_on": "2026-12-01",
    "window_start": "2026-11-17",
    "window_end": "2026-12-15",
    "assigned_organization": ex.ORG,
    "held_on": "2026-11-28",
    "method": "phone",
    "reached": True,
    "safe": True,
    "with_family": True,
    "working": True,
    "income_month": "600000.00",
    "income_currency": "KHR",
    "in_debt": True,
    "debt_amount": "300000.00",
    "debt_currency": "KHR",
    "health": "good",
    "in_school": False,
    "re_migrated": False,
    "re_trafficked": False,
    "new_case": None,
    "satisfied": True,
    "wants_support": True,
    "place": "With family, Prey Veng",
    "note": "Wants a second loan.",
    "recorded_at": "2026-11-28T10:00:00+07:00",
}
OFFER = {
    "id": 3,
    "organization": ex.ORG,
    "service": "shelter",
    "for_sex": "male",
    "age_min": 12,
    "age_max": None,
    "languages": "km, en",
    "beds_free": 4,
    "capacity_updated_on": "2026-12-01",
    "how_to_refer": "Refer through Homeward; we answer within a day.",
    "areas": [{"country": "KH", "province": "KH-12"}],
}
SERVICE_LIST_EXAMPLES = [ex.answer("Services of a case", SERVICE, list_page=True)]
SERVICE_CREATE_EXAMPLES = [
    ex.sent(
        "A micro-loan",
        {
            "type": "micro_loan",
            "started_on": "2026-09-01",
            "amount": "1200000",
            "currency": "KHR",
            "schedule": "monthly",
            "referral_id": 77,
        },
    ),
    ex.created("Recorded", SERVICE),
]
FOLLOW_UP_LIST_EXAMPLES = [
    OpenApiExample(
        "Follow-ups of a case", value=[FOLLOW_UP], response_only=True, status_codes=["200"]
    )
]
FOLLOW_UP_DETAIL_EXAMPLES = [ex.answer("A follow-up", FOLLOW_UP), ex.ERROR_404]
FOLLOW_UP_UPDATE_EXAMPLES = [
    ex.sent(
        "Reached by phone, working, in debt",
        {
            "held_on": "2026-11-28",
            "method": "phone",
            "reached": True,
            "working": True,
            "in_debt": True,
        },
    ),
    ex.answer("Recorded", FOLLOW_UP),
]
OFFER_LIST_EXAMPLES = [ex.answer("Shelters for men in Phnom Penh", OFFER, list_page=True)]
