"""The outbox when things go wrong: failed sends are counted, the sweep stays bounded."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils.translation import gettext_lazy as _

from config.celery import app as celery_app
from notifications.models import Notification
from notifications.services import (
    MAX_EMAIL_ATTEMPTS,
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


def test_failed_send_is_counted_and_row_stays_unsent(settings, caseworker):
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
    assert row.emailed_at is None and row.email_attempts == 1
    assert "ConnectionRefusedError" in row.last_error


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
