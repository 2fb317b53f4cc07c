from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification
from .push import queue as push_queue
from .push import wanted as push_wanted

logger = logging.getLogger(__name__)

SWEEP_AFTER = timedelta(minutes=2)


def _publish(notification_id: int) -> bool:
    """Hand one row to Celery. If the broker is down this logs and returns False: the row
    stays unsent and the sweep publishes it later."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # the broker's many failure types; the row is the truth
        logger.warning("Could not publish notification %s; the sweep will retry", notification_id)
        return False
    return True


def _publish_many(notification_ids: list[int]) -> bool:
    """Hand the rows of one notice to Celery as one task (one mail connection for all of
    them). As for ``_publish``: if the broker is down the rows stay unsent for the sweep."""
    from .tasks import send_notification_emails

    try:
        send_notification_emails.delay(notification_ids)
    except Exception:  # the broker's many failure types; the rows are the truth
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
    """Send the email of one notification, once. Returns True if this call sent it.

    The row lock makes a second concurrent run wait and then find the row already sent.
    A failed attempt is counted on the row (and the error kept) before the exception goes
    back to the task, which retries with back-off."""
    try:
        return _send_locked(notification_id)
    except Exception as exc:
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            email_attempts=F("email_attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """Send the emails of several notifications (the recipients of one notice) over one
    mail connection, each once. Returns how many this call sent.

    The rows are locked together; one that fails is counted on its row (with its error)
    and the others still go. The first error is raised after the commit so that the task
    retries, and a retry sends only the rows still unsent."""
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
        except Exception as exc:  # the server refused us: nothing sent, each row counts it
            error = exc
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                email_attempts=F("email_attempts") + 1,
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


def _send_locked(notification_id: int) -> bool:
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        _email(row).send()
        row.emailed_at = timezone.now()
        row.email_attempts += 1
        row.save(update_fields=["emailed_at", "email_attempts"])
    return True


SWEEP_BATCH = 1000
# A row whose email failed this many times is left to an administrator (last_error says
# why) rather than re-published every sweep for ever.
MAX_EMAIL_ATTEMPTS = 20


def notifications_sweep(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Re-publish rows whose email is still unsent (the broker was down, a worker died),
    oldest first. Returns how many were published.

    Re-publishing a row whose task is merely slow is harmless: the send locks the row and
    sends only if it is still unsent. If the broker refuses a publish, the sweep stops
    rather than wait on every row; the next run picks them up."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=cutoff,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    published = 0
    for pk in ids:
        if not _publish(pk):
            break
        published += 1
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
