from celery import shared_task

from . import services


# acks_late + CELERY_TASK_REJECT_ON_WORKER_LOST: a worker that dies mid-render gives the
# task back; the service counts attempts and the stuck sweep fails what never finishes.
@shared_task(acks_late=True)
def generate_export(export_id: int) -> bool:
    return services.export_generate(export_id=export_id)


@shared_task
def expire_exports() -> int:
    return services.exports_expire()


@shared_task
def fail_stuck_exports() -> int:
    return services.exports_fail_stuck()
