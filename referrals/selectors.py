"""Reads on referrals. Lists are filtered in the database by referrals.access."""

from __future__ import annotations

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, QuerySet, Value, When

from cases.models import Case

from .access import referrals_visible_to
from .models import Referral, ReferralStatus

_RELATED = ("case", "from_organization", "to_organization", "created_by")


def incoming(user) -> QuerySet[Referral]:
    """Referrals to the user's organisation: pending first (soonest deadline first), then
    the rest, newest first."""
    return (
        referrals_visible_to(user)
        .filter(to_organization_id=user.organization_id)
        .select_related(*_RELATED)
        .annotate(
            pending_first=CaseWhen(
                When(status=ReferralStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "respond_by", "-created_at", "-id")
    )


def outgoing(user) -> QuerySet[Referral]:
    return (
        referrals_visible_to(user)
        .filter(from_organization_id=user.organization_id)
        .select_related(*_RELATED)
        .order_by("-created_at", "-id")
    )


def for_case(user, case: Case) -> list[Referral]:
    """The case's referrals the user's organisation sent or received."""
    return list(
        referrals_visible_to(user)
        .filter(case=case)
        .select_related("from_organization", "to_organization")
        .order_by("-created_at", "-id")
    )


def pending_incoming_count(user) -> int:
    return incoming(user).filter(status=ReferralStatus.PENDING).count()
