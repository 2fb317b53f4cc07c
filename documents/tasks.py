from celery import shared_task

from . import services


# Idempotent: a thumbnail made already, a deleted or replaced file are left alone.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=5, max_retries=3)
def make_thumbnail(attachment_id: int) -> bool:
    return services.attachment_thumbnail_make(attachment_id=attachment_id)
