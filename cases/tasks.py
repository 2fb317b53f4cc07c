from celery import shared_task

from . import retention


@shared_task
def anonymise_expired_cases() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): closed cases past the retention period lose their
    identity. Idempotent: anonymised cases are no longer picked."""
    return retention.cases_anonymise_expired()
