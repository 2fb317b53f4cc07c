from celery import shared_task

from . import notices


@shared_task
def send_reminders() -> tuple[int, int]:
    """Periodic (Celery beat): deadline reminders and overdue escalations, each sent once."""
    return notices.referral_reminders_send()
