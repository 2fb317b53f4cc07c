"""Repatriation steps keep their change history, shown on the case's history page."""

import pytest

from cases import access, history
from repatriation.models import RepatriationStep
from repatriation.services import step_update

from .conftest import give_consent, new_plan

pytestmark = pytest.mark.django_db


def test_steps_have_history_from_creation_and_each_update(world):
    give_consent(world.case)
    plan = new_plan(world)
    step = plan.steps.order_by("order").first()
    # bulk_create_with_history: the first version of every step, by the plan's creator.
    first = RepatriationStep.history.filter(id=step.pk)
    assert first.count() == 1 and first.get().history_user == world.coordinator
    step_update(
        step=step,
        by=world.liaison,
        version=step.version,
        status="in_progress",
        due_date=step.due_date,
        note="Interview booked",
    )
    perms = access.perms_for(world.liaison, world.case)
    entries = history.entries_for(world.liaison, world.case, perms)
    changed = [e for e in entries if e.what.startswith("Repatriation step") and e.kind == "changed"]
    assert len(changed) == 1
    values = {c.field: c.new for c in changed[0].changes}
    assert values["status"] == "In progress"
    assert values["note"] == "Interview booked"
