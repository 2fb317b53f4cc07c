"""The identification section of the PDF case summary (exports.sections): the interviews'
summaries (what the answers point to), the decisions and the trafficking events. Evidence
notes, the interview notes, the decision's reason and the vessel or workplace are printed
only for an exporter who may see the identity, and never in an anonymised summary
(identification.fields)."""

from __future__ import annotations

from typing import Any

from cases import access
from cases.models import Case

from . import fields, selectors
from .summary import summary_of


def identification_section(case: Case, exporter: Any, anonymised: bool) -> dict[str, Any] | None:
    perms = access.perms_for(exporter, case)
    if access.VIEW not in perms:
        return None
    interviews = selectors.interviews_of(case)
    events = selectors.events_of(case)
    decisions = selectors.decisions_of(case)
    if not (interviews or events or decisions):
        return None
    identity = fields.may_see_identity(perms, anonymised=anonymised)
    return {
        "identity": identity,
        "interviews": [
            {
                "held_on": i.held_on,
                "status": i.get_status_display(),
                "place": i.place.display_name() if i.place else "",
                "interpreter_language": i.get_interpreter_language_display(),
                "summary": summary_of(i),
                "notes": i.notes if identity else "",
                "evidence": [
                    (a.code, a.get_answer_display(), a.evidence)
                    for a in i.answers.all()
                    if identity and a.evidence
                ],
            }
            for i in interviews
        ],
        "decisions": [
            {
                "status": d.get_status_display(),
                "decided_at": d.decided_at,
                "organization": d.organization.name,
                "reason": d.reason if identity else "",
            }
            for d in decisions
        ],
        "events": [
            {
                "stage": e.get_stage_display(),
                "place": f"{e.place.display_name()} ({e.place.country})",
                "when": _when(e),
                "recruitment": e.get_recruitment_method_display(),
                "industry": e.get_industry_display(),
                "debt": f"{e.debt_amount} {e.debt_currency}" if e.debt_amount is not None else "",
                "workplace": e.workplace if identity else "",
            }
            for e in events
        ],
    }


def _when(event) -> str:
    if event.started_on or event.ended_on:
        start = event.started_on.isoformat() if event.started_on else "…"
        end = event.ended_on.isoformat() if event.ended_on else "…"
        return f"{start} – {end}"
    return event.period


def register() -> None:
    from exports import sections

    sections.register(
        "identification", "identification/pdf/section.html", identification_section, order=25
    )
