"""Reintegration: services delivered, follow-ups with their outcomes, the service directory.
Places and notes are identity (``SERVICE_FIELDS``, ``FOLLOW_UP_FIELDS``, cases.disclosure):
absent for a caller without view-identity, and a write sending them is refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reintegration.models import (
    FOLLOW_UP_FIELDS,
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
        help_text=_("The provider organisation; yours if absent (only the owner may name another)."),
    )
    referral_id = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("An accepted referral of this case to the provider.")
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
            "safe",
            "with_family",
            "working",
            "income_month",
            "income_currency",
            "in_debt",
            "debt_amount",
            "debt_currency",
            "health",
            "in_school",
            "re_migrated",
            "re_trafficked",
            "new_case",
            "new_case_reference",
            "satisfied",
            "wants_support",
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
