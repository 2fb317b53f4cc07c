"""The outbox when things go wrong: failed sends are kept on the row (a refused mail
connection is not counted toward giving up), the sweep stays bounded and never publishes a
row twice while its task is queued."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.celery import app as celery_app
from notifications.models import Notification
from notifications.services import (
    MAX_EMAIL_ATTEMPTS,
    QUEUED_LEASE,
    SWEEP_AFTER,
    notification_email_send,
    notifications_sweep,
    notify,
)

pytestmark = pytest.mark.django_db


def _row(user):
    (row,) = notify(
        recipients=[user],
        kind="test",
        message=_("New referral %(reference)s for your organisation"),
        params={"reference": "KH-MLC-2026-00003"},
        link="/referrals/",
    )
    return row


def test_refused_connection_is_kept_not_counted_and_row_stays_unsent(settings, caseworker):
    row = _row(caseworker)
    # A real SMTP backend pointed at a port where nothing listens.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    with pytest.raises(OSError):
        notification_email_send(notification_id=row.pk)
    row.refresh_from_db()
    # The mail server away: the row is never given up for it, and is free for the next sweep.
    assert row.emailed_at is None and row.email_attempts == 0 and row.email_queued_at is None
    assert "ConnectionRefusedError" in row.last_error


def test_sweep_does_not_publish_a_queued_row_again_until_its_lease_ends(settings, caseworker):
    row = _row(caseworker)  # no on_commit here: the row is unsent and not queued
    queued = timezone.now() - timedelta(seconds=5)
    Notification.objects.filter(pk=row.pk).update(email_queued_at=queued)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert notifications_sweep(older_than=timedelta(0)) == 0
    # A task lost with the broker or its worker: published again once the lease is over.
    Notification.objects.filter(pk=row.pk).update(
        email_queued_at=timezone.now() - QUEUED_LEASE - timedelta(seconds=1)
    )
    assert notifications_sweep(older_than=timedelta(0)) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None and row.email_attempts == 1


def test_sweep_waits_only_seconds_for_a_fresh_row(caseworker):
    row = _row(caseworker)
    assert timedelta(seconds=10) >= SWEEP_AFTER
    assert notifications_sweep() == 0  # just written: its own task may still be on the way
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - SWEEP_AFTER)
    assert notifications_sweep() == 1


def test_beat_runs_both_sweeps_every_ten_seconds():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["notifications-sweep"]["schedule"] == timedelta(seconds=10)
    assert schedule["notifications-push-sweep"]["schedule"] == timedelta(seconds=10)


def test_sweep_leaves_rows_that_keep_failing(caseworker, mailoutbox):
    stuck, fresh = _row(caseworker), _row(caseworker)
    Notification.objects.filter(pk=stuck.pk).update(email_attempts=MAX_EMAIL_ATTEMPTS)
    # Tasks run in-process here: the sweep's publish sends at once.
    assert notifications_sweep(older_than=timedelta(0)) == 1
    assert len(mailoutbox) == 1
    fresh.refresh_from_db()
    assert fresh.emailed_at is not None
    assert Notification.objects.get(pk=stuck.pk).emailed_at is None


def test_beat_schedule_names_registered_tasks():
    # What a worker does at start: import every installed app's tasks module.
    celery_app.loader.import_default_modules()

    schedule = django_settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}
    assert {"notifications.tasks.sweep_unsent", "referrals.tasks.send_reminders"} <= names
    assert names <= set(celery_app.tasks)
