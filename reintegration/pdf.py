"""The reintegration section of the PDF case summary (exports.sections): needs, services
delivered (loans with amount and repaid), follow-ups with their outcomes. Places and notes
are identity (``SERVICE_FIELDS``, ``FOLLOW_UP_FIELDS``): printed only when the exporter may
see the identity and the report is not anonymised, as on the page and in the API."""

from __future__ import annotations

from typing import Any

from cases import access, disclosure
from cases.models import Case

from . import selectors
from .models import FOLLOW_UP_FIELDS, SERVICE_FIELDS


def reintegration_section(case: Case, exporter: Any, anonymised: bool) -> dict[str, Any] | None:
    perms = access.perms_for(exporter, case)
    if access.VIEW not in perms:
        return None
    needs = list(selectors.needs_of(case))
    services = list(selectors.services_of(case))
    follow_ups = list(selectors.follow_ups_of(case))
    if not (needs or services or follow_ups):
        return None
    shown = disclosure.for_perms(perms, anonymised=anonymised)
    return {
        "identity": shown.identity,
        "needs": needs,
        "services": [
            {
                "record": s,
                "place": s.place if shown.shows(SERVICE_FIELDS, "place") else "",
                "note": s.note if shown.shows(SERVICE_FIELDS, "note") else "",
            }
            for s in services
        ],
        "follow_ups": [
            {
                "record": f,
                "place": f.place if shown.shows(FOLLOW_UP_FIELDS, "place") else "",
                "note": f.note if shown.shows(FOLLOW_UP_FIELDS, "note") else "",
            }
            for f in follow_ups
        ],
    }


def register() -> None:
    from exports import sections

    sections.register(
        "reintegration", "reintegration/pdf/section.html", reintegration_section, order=35
    )
