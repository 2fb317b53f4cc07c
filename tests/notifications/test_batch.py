"""One notice's recipients are emailed by one task over one mail connection, each once."""

import pytest
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notification_emails_send, notify
from tests.factories import UserFactory

MESSAGE = _("New referral %(reference)s for your organisation")


@pytest.mark.django_db
def test_one_notice_is_sent_in_one_batch_each_email_once(mailoutbox, caseworker):
    colleagues = [
        UserFactory(
            username=f"colleague{i}",
            organization=caseworker.organization,
            email=f"colleague{i}@example.org",
        )
        for i in range(3)
    ]
    rows = notify(
        recipients=[caseworker, *colleagues],
        kind="test",
        message=MESSAGE,
        params={"reference": "KH-MLC-2026-00002"},
        link="/referrals/",
    )
    ids = [r.pk for r in rows]
    assert notification_emails_send(notification_ids=ids) == 4
    assert notification_emails_send(notification_ids=ids) == 0  # already sent: nothing twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [caseworker.email, *(c.email for c in colleagues)]
    )
    assert all("KH-MLC-2026-00002" in m.body for m in mailoutbox)
    assert all("no personal details are sent by email" in m.body for m in mailoutbox)
    sent = Notification.objects.filter(pk__in=ids)
    assert all(r.emailed_at is not None and r.email_attempts == 1 for r in sent)


@pytest.mark.django_db
def test_a_row_sent_alone_is_skipped_by_the_batch(mailoutbox, caseworker):
    other = UserFactory(
        username="other2", organization=caseworker.organization, email="other2@example.org"
    )
    rows = notify(
        recipients=[caseworker, other],
        kind="test",
        message=MESSAGE,
        params={"reference": "KH-MLC-2026-00003"},
        link="/referrals/",
    )
    assert notification_emails_send(notification_ids=[rows[0].pk]) == 1
    assert notification_emails_send(notification_ids=[r.pk for r in rows]) == 1
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_refused_connection_is_kept_on_every_row_and_raised_not_counted(settings, caseworker):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    other = UserFactory(
        username="other3", organization=caseworker.organization, email="other3@example.org"
    )
    rows = notify(
        recipients=[caseworker, other],
        kind="test",
        message=MESSAGE,
        params={"reference": "KH-MLC-2026-00004"},
        link="/referrals/",
    )
    with pytest.raises(OSError):
        notification_emails_send(notification_ids=[r.pk for r in rows])
    for row in Notification.objects.filter(pk__in=[r.pk for r in rows]):
        # The mail server away is not the rows' fault: never counted toward giving up.
        assert row.emailed_at is None and row.email_attempts == 0
        assert row.last_error and row.email_queued_at is None
