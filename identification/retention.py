"""Retention (cases.retention): when a case is anonymised, the identity-level parts of its
identification go (identification.fields): evidence notes, interview notes, the
interpreter's name, the vessel or workplace; a decision keeps a dash for its reason (it was
given). Codes, places, dates and industries stay: they are the statistics."""

from __future__ import annotations

from .models import IdentificationDecision, IndicatorAnswer, Interview, TraffickingEvent

REMOVED = "—"


def scrub(case) -> None:
    Interview.objects.filter(case=case).update(notes="", interpreter_name="")
    IndicatorAnswer.objects.filter(interview__case=case).update(evidence="")
    TraffickingEvent.objects.filter(case=case).update(workplace="")
    IdentificationDecision.objects.filter(case=case).update(reason=REMOVED)
