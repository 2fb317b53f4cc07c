"""The case page's change history of repatriation steps (cases.history). Steps are shown to
everyone who may see the case, like the case page's repatriation panel; their free text
(``STEP_FIELDS``, cases.disclosure) only with view-identity."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases import history

from .models import PLAN_FIELDS, STEP_FIELDS, RepatriationPlan, RepatriationStep, StepKind

FIELDS = (
    "kind",
    "responsible_organization",
    "due_date",
    "status",
    "done_at",
    "note",
    "reason",
)


def _records(user, case):
    return RepatriationStep.history.filter(plan__case_id=case.pk)


def _label(record: Any) -> str:
    kind = dict(StepKind.choices).get(record.kind, record.kind)
    return _("Repatriation step: %(step)s") % {"step": kind}


def register() -> None:
    history.register(
        history.Source(
            name="repatriation_step",
            model=RepatriationStep,
            records=_records,
            fields=FIELDS,
            identity=STEP_FIELDS.identity,
            label=_label,
        )
    )


def scrub(case) -> None:
    """Retention (cases.retention): the plan's places and the steps' free text, history
    included (what cases.disclosure calls identity). A blocked or skipped step must keep a
    reason (a database constraint): it becomes a dash."""
    RepatriationPlan.objects.filter(case=case).update(**dict.fromkeys(PLAN_FIELDS.identity, ""))
    steps = RepatriationStep.objects.filter(plan__case=case)
    steps.update(note="")
    steps.exclude(reason="").update(reason=REMOVED)
    history.scrub_values(
        RepatriationStep.history.filter(plan__case_id=case.pk),
        STEP_FIELDS.identity,
        RepatriationStep,
    )


REMOVED = "—"
