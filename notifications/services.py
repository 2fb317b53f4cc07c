from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification
from .push import queue as push_queue
from .push import wanted as push_wanted

logger = logging.getLogger(__name__)

# Recovery (issue 16): the sweep runs every 10 s (CELERY_BEAT_SCHEDULE in config/settings)
# for rows older than SWEEP_AFTER, so every email goes out within about 20 s of the broker
# and the mail server being back. A row whose task is queued is left alone for QUEUED_LEASE;
# after that it is published again (its task was lost with the broker or a worker: an outage
# longer than the lease is re-published at the first sweep after it; a task merely slow
# gets a duplicate that finds its rows sent). A task that ends without sending clears the
# mark, so the next sweep tries again: a back-off of one sweep interval that never gives up
# while the failure is the connection.
SWEEP_AFTER = timedelta(seconds=10)
QUEUED_LEASE = timedelta(seconds=30)


def _publish_many(notification_ids: list[int]) -> bool:
    """Hand rows to Celery as one task (one mail connection for all of them), marked as
    queued. If the broker is down this logs and returns False: the mark is cleared and the
    rows stay unsent for the sweep."""
    from .tasks import send_notification_emails

    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    rows.update(email_queued_at=timezone.now())
    try:
        send_notification_emails.delay(notification_ids)
    except Exception:  # the broker's many failure types; the rows are the truth
        rows.update(email_queued_at=None)
        logger.warning("Could not publish notifications %s; the sweep will retry", notification_ids)
        return False
    return True


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    message: Any,
    params: dict | None = None,
    link: str = "",
    email: bool = True,
    push: bool | None = None,
) -> list[Notification]:
    """Write one notification per recipient, in the caller's transaction, with ``message``
    (a lazy translatable format string) rendered in each recipient's language. Emails are
    queued once the transaction commits, and so are the pushes to the recipients' devices
    when ``push`` is true (None: if ``kind`` is in settings.PUSH_NOTIFICATION_KINDS).

    ``params`` must not identify a person: references, services and organisations only."""
    rows = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            text = str(message) % (params or {})
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                message=text[:300],
                link=link,
                email_wanted=email and bool(user.email),
            )
        )
    created = Notification.objects.bulk_create(rows)
    wanted = [row.pk for row in created if row.email_wanted]
    if wanted:
        # One task per notice: its recipients' emails go out over one mail connection.
        transaction.on_commit(partial(_publish_many, wanted), robust=True)
    if push_wanted(kind, push):
        push_queue(created)
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Send the email of one notification, once. Returns True if this call sent it."""
    return notification_emails_send(notification_ids=[notification_id]) == 1


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """Send the emails of several notifications (the recipients of one notice) over one
    mail connection, each once. Returns how many this call sent.

    The rows are locked together; one that fails is counted on its row (with its error)
    and the others still go. A mail server that cannot be reached is not counted against
    the rows (it is not their fault, and they must not be given up). Whatever happens, the
    rows still unsent lose their queued mark so that the next sweep publishes them again;
    the first error is raised after the commit (logged by the task)."""
    try:
        return _send_rows(notification_ids)
    finally:
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).update(
            email_queued_at=None
        )


def _send_rows(notification_ids: list[int]) -> int:
    error: Exception | None = None
    sent = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk__in=notification_ids, email_wanted=True, emailed_at__isnull=True)
            .order_by("pk")
        )
        if not rows:
            return 0
        now = timezone.now()
        mail = mailers.default  # one connection (one SMTP session) for all
        try:
            mail.open()
        except Exception as exc:  # no mail server: nothing sent, tried again next sweep
            error = exc
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                last_error=f"{type(exc).__name__}: {exc}"[:300],
            )
            rows = []
        try:
            for row in rows:
                try:
                    mail.send_messages([_email(row)])
                except Exception as exc:
                    error = error or exc
                    row.email_attempts += 1
                    row.last_error = f"{type(exc).__name__}: {exc}"[:300]
                    row.save(update_fields=["email_attempts", "last_error"])
                    continue
                row.emailed_at = now
                row.email_attempts += 1
                sent += 1
        finally:
            if rows:
                mail.close()
        Notification.objects.bulk_update(
            [row for row in rows if row.emailed_at], ["emailed_at", "email_attempts"]
        )
    if error is not None:
        raise error
    return sent


def _email(row: Notification) -> EmailMessage:
    user = row.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Homeward: %(message)s") % {"message": row.message}
        body = _(
            "%(message)s\n\nOpen Homeward to see it: %(url)s\n\n"
            "For the safety of the people we serve, no personal details are sent by email."
        ) % {"message": row.message, "url": str(settings.SITE_URL).rstrip("/") + row.link}
    return EmailMessage(subject[:150], body, None, [user.email])


SWEEP_BATCH = 1000
SWEEP_CHUNK = 50
# A row whose email failed this many times is left to an administrator (last_error says
# why) rather than re-published every sweep for ever.
MAX_EMAIL_ATTEMPTS = 20


def notifications_sweep(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Re-publish rows whose email is still unsent (the broker was down, a worker died, the
    mail server refused), oldest first, in tasks of SWEEP_CHUNK rows (one mail connection
    each). Returns how many rows were published.

    Idempotent: a row with a task queued (``email_queued_at`` within QUEUED_LEASE) is not
    published again, and a send locks its rows and sends only those still unsent, so a
    sweep overlapping a slow task never sends twice. If the broker refuses a publish, the
    sweep stops rather than wait on every row; the next run picks them up."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(email_queued_at__isnull=True) | Q(email_queued_at__lt=now - QUEUED_LEASE),
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=now - older_than,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    published = 0
    for start in range(0, len(ids), SWEEP_CHUNK):
        chunk = ids[start : start + SWEEP_CHUNK]
        if not _publish_many(chunk):
            break
        published += len(chunk)
    return published


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read. Another user's
    notification id matches nothing. Returns how many rows changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
