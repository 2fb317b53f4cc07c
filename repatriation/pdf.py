"""The repatriation section of the PDF case summary (exports.sections).

Prints the case's plan — status, organisations, countries, target date, progress — and its
steps (status, responsible organisation, due and done dates). The place where the person is
the home province and the steps' notes and reasons (free text) are identity (``PLAN_FIELDS``
and ``STEP_FIELDS``, cases.disclosure): printed only when the exporter may see the identity
and the report is not anonymised, as on the page and in the API."""

from __future__ import annotations

from typing import Any

from django_countries import countries

from cases import access, disclosure
from cases.models import Case

from . import selectors
from .models import PLAN_FIELDS, STEP_FIELDS


def repatriation_section(case: Case, exporter: Any, anonymised: bool) -> dict[str, Any] | None:
    perms = access.perms_for(exporter, case)
    if access.VIEW not in perms:
        return None
    plan = selectors.plan_for_case(case)
    if plan is None:
        return None
    shown = disclosure.for_perms(perms, anonymised=anonymised)
    steps = list(plan.steps.all())
    progress = selectors.progress_of(steps)
    return {
        "identity": shown.identity,
        "status": plan.get_status_display(),
        "situation": plan.get_situation_display(),
        "current_country": countries.name(str(plan.current_country)),
        "place": plan.place if shown.shows(PLAN_FIELDS, "place") else "",
        "home_country": countries.name(str(plan.home_country)),
        "home_province": plan.home_province if shown.shows(PLAN_FIELDS, "home_province") else "",
        "embassy": plan.embassy.name,
        "lead": plan.lead_organization.name,
        "target_return_date": plan.target_return_date,
        "done": progress.done,
        "total": progress.total,
        "current": progress.current.get_kind_display() if progress.current else "",
        "steps": [
            {
                "order": s.order,
                "kind": s.get_kind_display(),
                "status": s.get_status_display(),
                "responsible": s.responsible_organization.name
                if s.responsible_organization
                else "",
                "due_date": s.due_date,
                "done_at": s.done_at,
                "note": s.note if shown.shows(STEP_FIELDS, "note") else "",
                "reason": s.reason if shown.shows(STEP_FIELDS, "reason") else "",
            }
            for s in steps
        ],
    }


def register() -> None:
    from exports import sections

    sections.register(
        "repatriation", "repatriation/pdf/section.html", repatriation_section, order=30
    )
