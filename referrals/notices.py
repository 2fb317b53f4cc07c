"""Who hears of a referral, and the reminders of pending ones: the recipients and the
words of referral notifications (reference, service and organisations only: they go by
email), used by referrals.services for each transition and by the periodic reminder task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.services import notify
from partners.models import User
from partners.roles import Right, roles_with

from .models import Referral, ReferralService, ReferralStatus


def members(org_id: int, roles: Iterable[str]) -> list[User]:
    return list(User.objects.filter(organization_id=org_id, is_active=True, role__in=list(roles)))


def receivers(referral: Referral) -> list[User]:
    """Everyone in the receiving organisation who may act on the referral."""
    return members(referral.to_organization_id, roles_with(Right.USE_REFERRALS))


def sender_side(referral: Referral) -> list[User]:
    """The person who sent the referral and their organisation's coordinators."""
    users = members(referral.from_organization_id, roles_with(Right.HEAR_OF_SENT_REFERRALS))
    if referral.created_by.is_active:
        users.append(referral.created_by)
    return users


def params(referral: Referral) -> dict[str, Any]:
    # Reference, service and organisations only: notifications go by email.
    return {
        "reference": referral.case.reference,
        # Lazy: notify() renders it in each recipient's language, not the sender's.
        "service": ReferralService(referral.service).label,
        "from_org": referral.from_organization.name,
        "to_org": referral.to_organization.name,
    }


def link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


# --- reminders ------------------------------------------------------------------------------

# A pending referral is "near its deadline" in the last quarter of its response time.
REMIND_FRACTION = 0.25


def referral_reminders_send(*, now=None) -> tuple[int, int]:
    """Remind receivers of pending referrals near their deadline and escalate overdue ones
    to the sender's coordinators. Each reminder goes once: the row records it, under a lock,
    so concurrent or repeated runs send nothing twice. Returns (reminded, escalated)."""
    now = now or timezone.now()
    reminded = escalated = 0
    candidates = Referral.objects.filter(status=ReferralStatus.PENDING).filter(
        Q(reminder_sent_at__isnull=True) | Q(escalated_at__isnull=True, respond_by__lt=now)
    )
    for pk in candidates.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "from_organization", "to_organization", "created_by")
                .filter(pk=pk, status=ReferralStatus.PENDING)
                .first()
            )
            if referral is None:
                continue
            window = (referral.respond_by - referral.created_at) * REMIND_FRACTION
            if referral.respond_by < now and referral.escalated_at is None:
                notify(
                    recipients=members(
                        referral.from_organization_id,
                        roles_with(Right.HEAR_OF_SENT_REFERRALS),
                    ),
                    kind="referral_overdue",
                    message=_("Referral %(reference)s to %(to_org)s is overdue: no answer yet"),
                    params=params(referral),
                    link=link(referral),
                )
                referral.escalated_at = now
                escalated += 1
            if referral.reminder_sent_at is None and referral.respond_by - window <= now:
                notify(
                    recipients=receivers(referral),
                    kind="referral_reminder",
                    message=_("Reminder: please answer the %(service)s referral %(reference)s"),
                    params=params(referral),
                    link=link(referral),
                )
                referral.reminder_sent_at = now
                reminded += 1
            referral.save(update_fields=["reminder_sent_at", "escalated_at"])
    return reminded, escalated
