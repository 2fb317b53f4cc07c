"""Referrals: what the receiving organisation needs to decide, sending one, declining one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.vocab import Urgency
from referrals.models import Referral, ReferralService

from .. import examples as ex
from .common import CaseRefSerializer, OrganizationRefSerializer, model_text


class ReferralSerializer(serializers.ModelSerializer):
    """What the receiving organisation needs to decide — never the person's identity. The
    case itself opens to the receiver only once it accepts."""

    case = CaseRefSerializer(read_only=True)
    from_organization = OrganizationRefSerializer(read_only=True)
    to_organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "from_organization",
            "to_organization",
            "service",
            "urgency",
            "message",
            "status",
            "respond_by",
            "created_at",
            "responded_at",
            "decline_reason",
            "closed_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, help_text=_("The case to refer."))
    to_organization = serializers.IntegerField(min_value=1)
    service = serializers.ChoiceField(choices=ReferralService.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    message = model_text(Referral, "message", required=False, allow_blank=True)
    override_reason = model_text(
        Referral,
        "consent_override_reason",
        required=False,
        allow_blank=True,
        help_text=_("Coordinators only: refer without the person's consent, with a reason."),
    )


class DeclineSerializer(serializers.Serializer):
    reason = model_text(Referral, "decline_reason")


# --- examples -------------------------------------------------------------------------------

REFERRAL = {
    "id": 77,
    "case": ex.CASE_REF,
    "from_organization": ex.ORG,
    "to_organization": {"id": 7, "name": "Bangkok Safe House"},
    "service": "shelter",
    "urgency": "urgent",
    "message": "Adult man, needs a bed tonight in Bangkok.",
    "status": "pending",
    "respond_by": "2026-11-30T03:30:00Z",
    "created_at": "2026-11-29T03:30:00Z",
    "responded_at": None,
    "decline_reason": "",
    "closed_at": None,
}

LIST_EXAMPLES = [ex.answer("A page of referrals", REFERRAL, list_page=True)]
DETAIL_EXAMPLES = [ex.answer("A pending referral", REFERRAL), ex.ERROR_404]
CREATE_EXAMPLES = [
    ex.sent(
        "Refer to a shelter",
        {
            "case": 42,
            "to_organization": 7,
            "service": "shelter",
            "urgency": "urgent",
            "message": "Adult man, needs a bed tonight in Bangkok.",
        },
    ),
    ex.created("Sent", REFERRAL),
]


def transition_examples(name: str, status: str, **changes) -> list:
    """The answer to a transition: the referral in its new status (and a 404)."""
    return [ex.answer(name, {**REFERRAL, "status": status, **changes}), ex.ERROR_404]


# By transition (api/views/referrals.py): the referral in its new status, a 404, and the body
# where the transition takes one.
TRANSITION_EXAMPLES = {
    "accept": transition_examples("Accepted", "accepted"),
    "decline": [
        ex.sent("No bed free", {"reason": "No bed free until next week."}),
        *transition_examples("Declined", "declined", decline_reason="No bed free until next week."),
    ],
    "complete": transition_examples("Completed", "completed"),
    "cancel": transition_examples("Cancelled", "cancelled"),
}
