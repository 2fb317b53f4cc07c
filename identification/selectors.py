"""Reads of identification. The caller has checked the case through cases.access."""

from __future__ import annotations

from cases.models import Case

from .models import IdentificationDecision, Interview, TraffickingEvent


def interviews_of(case: Case) -> list[Interview]:
    return list(
        Interview.objects.filter(case=case)
        .select_related("place", "interviewer", "case__person")
        .prefetch_related("answers")
    )


def events_of(case: Case) -> list[TraffickingEvent]:
    return list(TraffickingEvent.objects.filter(case=case).select_related("place"))


def decisions_of(case: Case) -> list[IdentificationDecision]:
    return list(
        IdentificationDecision.objects.filter(case=case).select_related(
            "organization", "decided_by", "interview"
        )
    )
