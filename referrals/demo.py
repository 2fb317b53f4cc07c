"""Demo referrals (called by seed_demo; idempotent).

- Sopheap Ly's case: an accepted repatriation referral from PPCARE to the Cambodian embassy,
  which owns the embassy's grants on that case.
- Two pending referrals to IOMKL and SAFEPG, one of them overdue.
The other PPCARE cases have no referral to KHEMBKL, so the browser test can refer one."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases import identity_index
from cases.models import Case

from . import services
from .models import Referral, ReferralService, ReferralStatus, response_deadline


def _case(orgs, latin: tuple[str, str]) -> Case | None:
    return identity_index.first_with_latin_name(
        Case.objects.filter(owner_organization=orgs["PPCARE"]), latin[0], latin[1]
    )


def seed(*, orgs, users) -> None:
    caseworker, liaison = users["caseworker"], users["liaison"]
    sopheap = _case(orgs, ("Sopheap", "Ly"))
    if (
        sopheap is not None
        and not Referral.objects.filter(
            case=sopheap, to_organization=orgs["KHEMBKL"], service=ReferralService.REPATRIATION
        ).exists()
    ):
        referral = services.referral_create(
            by=caseworker,
            case=sopheap,
            to_organization=orgs["KHEMBKL"],
            service=ReferralService.REPATRIATION,
            urgency="urgent",
            message="She asks to return home to her family. Travel documents are needed: "
            "her passport is held by the employer.",
        )
        services.referral_accept(by=liaison, referral=referral)

    pending = [
        (("Sokha", "Pov"), "IOMKL", ReferralService.REPATRIATION, "urgent", False),
        (("Vannak", "Heng"), "SAFEPG", ReferralService.SHELTER, "immediate", True),
    ]
    for latin, code, service, urgency, overdue in pending:
        case = _case(orgs, latin)
        if case is None or Referral.objects.filter(case=case, to_organization=orgs[code]).exists():
            continue
        referral = services.referral_create(
            by=caseworker,
            case=case,
            to_organization=orgs[code],
            service=service,
            urgency=urgency,
            message="Please confirm whether you can take this on; details once accepted.",
        )
        if overdue:
            sent = timezone.now() - timedelta(hours=6)
            Referral.objects.filter(pk=referral.pk, status=ReferralStatus.PENDING).update(
                created_at=sent, respond_by=response_deadline(urgency, sent)
            )
