from celery import shared_task

from . import services


@shared_task(acks_late=True)
def flag_overdue_steps() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE). Idempotent: a step is flagged once per due date."""
    return services.steps_flag_overdue()
