from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import IdempotencyRecord


def idempotency_records_purge(*, now=None) -> int:
    """A kept answer to a create call may hold identity (a caller's phone, a summary): it is
    kept only as long as a client may retry (IDEMPOTENCY_KEEP_HOURS), then deleted."""
    now = now or timezone.now()
    cutoff = now - settings.IDEMPOTENCY_KEEP
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task
def purge_idempotency_records() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE)."""
    return idempotency_records_purge()
