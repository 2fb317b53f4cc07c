"""The hourly overdue task, run by a real Celery worker, and its beat entry."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from repatriation.models import RepatriationStep, StepKind
from repatriation.tasks import flag_overdue_steps
from tests.celery_worker import wait_for


def test_the_task_is_scheduled_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["repatriation-flag-overdue-steps"]
    assert entry["task"] == flag_overdue_steps.name == "repatriation.tasks.flag_overdue_steps"
    assert entry["schedule"] == timedelta(hours=1)


@pytest.mark.celery_worker
def test_real_worker_flags_an_overdue_step_once(celery_worker, world, plan):
    step = plan.steps.get(kind=StepKind.NATIONALITY)
    RepatriationStep.objects.filter(pk=step.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    flag_overdue_steps.delay()
    wait_for(
        lambda: RepatriationStep.objects.filter(
            pk=step.pk, overdue_flagged_at__isnull=False
        ).exists()
    )
    flag_overdue_steps.delay()
    wait_for(lambda: celery_worker.log().count("succeeded") >= 2)
    notes = Notification.objects.filter(kind="repatriation_step_overdue")
    assert [n.recipient for n in notes] == [world.liaison]
    assert step.plan.case.reference in notes[0].message
