"""Thin tasks over notifications.services. The email tasks do not retry on their own: the
sweep (every 10 s, config/settings) is their retry, with the queued mark making it
idempotent, so a failure is tried again within seconds and never given up while the mail
server or the broker is away (see services.SWEEP_AFTER). The push task is the same over
notifications.push."""

import logging

from celery import shared_task

from . import push, services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> bool:
    return send_notification_emails([notification_id]) == 1


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The emails of one notice's recipients, over one mail connection."""
    try:
        return services.notification_emails_send(notification_ids=notification_ids)
    except Exception as exc:  # the rows keep the error; the next sweep tries again
        logger.warning("Emails %s not sent (%s); the sweep will retry", notification_ids, exc)
        return 0


@shared_task
def sweep_unsent() -> int:
    return services.notifications_sweep()


@shared_task(acks_late=True)
def send_push_deliveries(delivery_ids: list[int]) -> int:
    """Web Push to devices (notifications/push.py); each delivery at most once. As the
    email tasks, no retry of its own: the push sweep (same cadence) is the retry."""
    try:
        return push.deliveries_send(delivery_ids=delivery_ids)
    except Exception as exc:  # counted on the rows; the next sweep tries again
        logger.warning("Pushes %s not sent (%s); the sweep will retry", delivery_ids, exc)
        return 0


@shared_task
def sweep_unsent_pushes() -> int:
    return push.sweep()
