from celery import shared_task

from . import followups


@shared_task
def send_follow_up_reminders() -> int:
    """Periodic (Celery beat): each overdue follow-up's organisation is reminded once."""
    return followups.follow_up_reminders_send()
