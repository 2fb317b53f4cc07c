"""Repatriation's part of "what next" after a referral (issue 16 item 13), and the plan
form's values known from the case's referrals (embassy, lead organisation)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases import access
from partners.models import OrganizationKind
from referrals.models import Referral, ReferralService, ReferralStatus
from referrals.next_steps import NextStep

from .models import RepatriationPlan


def after_referral(user, referral: Referral) -> NextStep | None:
    """An accepted repatriation referral of a case without a plan: whoever may update the
    repatriation is pointed at the plan form (preselected from the referral)."""
    if referral.service != ReferralService.REPATRIATION:
        return None
    if referral.status != ReferralStatus.ACCEPTED:
        return None
    if RepatriationPlan.objects.filter(case_id=referral.case_id).exists():
        return None
    if not access.user_can(user, referral.case, access.UPDATE_REPATRIATION):
        return None
    return NextStep(
        title=_("Next step: create a repatriation plan"),
        text=_(
            "The plan lists the steps of the return and who does each. The embassy and the "
            "lead organisation are filled in from this referral."
        ),
        label=_("Create a repatriation plan"),
        url=reverse("repatriation:plan_edit", args=[referral.case_id]),
    )


def plan_initial(case) -> dict[str, Any]:
    """Embassy and lead organisation from the case's accepted repatriation referrals, newest
    first: the embassy is the embassy among the parties; the lead is a non-embassy receiver
    (an international organisation asked to lead), otherwise the referring organisation."""
    referrals = list(
        Referral.objects.filter(
            case=case, service=ReferralService.REPATRIATION, status=ReferralStatus.ACCEPTED
        )
        .select_related("from_organization", "to_organization")
        .order_by("-responded_at", "-pk")[:20]
    )
    initial: dict[str, Any] = {}
    for r in referrals:
        to_embassy = r.to_organization.kind == OrganizationKind.EMBASSY
        if "embassy" not in initial:
            if to_embassy:
                initial["embassy"] = r.to_organization.pk
            elif r.from_organization.kind == OrganizationKind.EMBASSY:
                initial["embassy"] = r.from_organization.pk
        if "lead_organization" not in initial and not to_embassy:
            initial["lead_organization"] = r.to_organization.pk
    if referrals and "lead_organization" not in initial:
        initial["lead_organization"] = referrals[0].from_organization.pk
    return initial
