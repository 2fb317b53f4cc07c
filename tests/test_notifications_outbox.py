"""The notification outbox: written with the change, emailed once by a real worker."""

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notification_email_send, notifications_sweep, notify
from tests.celery_worker import wait_for
from tests.factories import UserFactory

MESSAGE = _("New referral %(reference)s for your organisation")


@pytest.mark.django_db
def test_notify_writes_rows_and_emails_once(mailoutbox, caseworker):
    other = UserFactory(username="other", organization=caseworker.organization, email="")
    inactive = UserFactory(
        username="inactive", organization=caseworker.organization, is_active=False
    )
    rows = notify(
        recipients=[caseworker, other, inactive, caseworker],
        kind="test",
        message=MESSAGE,
        params={"reference": "KH-MLC-2026-00001"},
        link="/cases/1/",
    )
    assert {r.recipient for r in rows} == {caseworker, other}  # inactive and duplicate skipped
    row = Notification.objects.get(recipient=caseworker)
    assert row.message == "New referral KH-MLC-2026-00001 for your organisation"
    # Tests run tasks in-process; on_commit does not fire inside the test transaction,
    # so send explicitly: the first call sends, the second finds it sent.
    assert notification_email_send(notification_id=row.pk) is True
    assert notification_email_send(notification_id=row.pk) is False
    assert len(mailoutbox) == 1
    assert "KH-MLC-2026-00001" in mailoutbox[0].body
    assert "no personal details are sent by email" in mailoutbox[0].body
    # The user without an email address gets the in-app notification only.
    assert Notification.objects.get(recipient=other).email_wanted is False


@pytest.mark.celery_worker
def test_real_worker_sends_each_email_exactly_once(celery_worker, caseworker):
    with transaction.atomic():
        notify(
            recipients=[caseworker],
            kind="test",
            message=MESSAGE,
            params={"reference": "KH-MLC-2026-00007"},
            link="/cases/7/",
        )
    row = Notification.objects.get(recipient=caseworker)
    wait_for(lambda: Notification.objects.filter(pk=row.pk, emailed_at__isnull=False).exists())
    emails = celery_worker.emails()
    assert len(emails) == 1 and "KH-MLC-2026-00007" in emails[0]
    # A sweep re-publishing the same row sends nothing more.
    Notification.objects.filter(pk=row.pk).update(created_at=row.created_at.replace(year=2020))
    assert notifications_sweep() == 0
    # Publishing the task again by hand: the worker finds it sent and does nothing.
    from notifications.tasks import send_notification_email

    send_notification_email.delay(row.pk)
    wait_for(lambda: celery_worker.log().count("succeeded") >= 2)
    assert len(celery_worker.emails()) == 1
