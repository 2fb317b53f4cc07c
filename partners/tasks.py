from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def send_password_link(user_id: int) -> bool:
    """Sending twice sends two valid links: harmless, so retrying is safe."""
    return services.password_link_email_send(user_id=user_id)
