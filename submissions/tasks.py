from celery import shared_task

from . import services


@shared_task
def purge_tokens() -> int:
    return services.purge()
