"""The case page's change history of referrals (cases.history): only referrals the reader's
organisation sent or received, like the case page's referral panel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases import history
from partners.roles import PERM_LABELS

from .access import referrals_visible_to
from .models import Referral, ReferralService

FIELDS = (
    "to_organization",
    "service",
    "urgency",
    "status",
    "respond_by",
    "message",
    "decline_reason",
    "consent_override_reason",
    "granted_perms",
)


def _records(user, case):
    visible = referrals_visible_to(user).filter(case=case).values("pk")
    return Referral.history.filter(case_id=case.pk, id__in=visible)


def _label(record: Any) -> str:
    service = dict(ReferralService.choices).get(record.service, record.service)
    return _("Referral: %(service)s") % {"service": service}


def register() -> None:
    history.register(
        history.Source(
            name="referral",
            model=Referral,
            records=_records,
            fields=FIELDS,
            label=_label,
            vocab={"granted_perms": dict(PERM_LABELS)},
        )
    )


# Free text of a referral may name the person or where they are.
FREE_TEXT = ("message", "decline_reason", "consent_override_reason")


def scrub(case) -> None:
    """Retention (cases.retention): the free text of the case's referrals, history included."""
    Referral.objects.filter(case=case).update(**dict.fromkeys(FREE_TEXT, ""))
    history.scrub_values(Referral.history.filter(case_id=case.pk), FREE_TEXT, Referral)
