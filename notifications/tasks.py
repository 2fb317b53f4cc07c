from smtplib import SMTPException

from celery import shared_task

from . import push, services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
    acks_late=True,
)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
    acks_late=True,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The emails of one notice's recipients, over one mail connection."""
    return services.notification_emails_send(notification_ids=notification_ids)


@shared_task
def sweep_unsent() -> int:
    return services.notifications_sweep()


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
    acks_late=True,
)
def send_push_deliveries(delivery_ids: list[int]) -> int:
    """Web Push to devices (notifications/push.py); each delivery at most once."""
    return push.deliveries_send(delivery_ids=delivery_ids)


@shared_task
def sweep_unsent_pushes() -> int:
    return push.sweep()
