"""The referrals section of the PDF case summary (exports.sections).

Prints the case's referrals the exporter's organisation sent or received
(``referrals.access.referrals_visible_to``) — service, organisations, status, dates. The
message and the reason for declining are free text: printed only when the exporter may see
the person's identity and the report is not anonymised (as the summary's notes)."""

from __future__ import annotations

from typing import Any

from cases import access
from cases.models import Case

from .access import referrals_visible_to


def referral_section(case: Case, exporter: Any, anonymised: bool) -> dict[str, Any] | None:
    perms = access.perms_for(exporter, case)
    if access.VIEW not in perms:
        return None
    free_text = access.VIEW_IDENTITY in perms and not anonymised
    referrals = list(
        referrals_visible_to(exporter)
        .filter(case=case)
        .select_related("from_organization", "to_organization")
        .order_by("created_at", "id")
    )
    if not referrals:
        return None
    return {
        "free_text": free_text,
        "rows": [
            {
                "service": r.get_service_display(),
                "from_org": r.from_organization.name,
                "to_org": r.to_organization.name,
                "status": r.get_status_display(),
                "urgency": r.get_urgency_display(),
                "sent_at": r.created_at,
                "respond_by": r.respond_by if r.is_pending else None,
                "overdue": r.is_overdue,
                "responded_at": r.responded_at,
                "message": r.message if free_text else "",
                "decline_reason": r.decline_reason if free_text else "",
            }
            for r in referrals
        ],
    }


def register() -> None:
    from exports import sections

    sections.register("referrals", "referrals/pdf/section.html", referral_section, order=20)
