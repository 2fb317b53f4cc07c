from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction
from .services import audit_record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    # Which second factor opened the session (totpdevice, staticdevice, passkey), if any.
    device = getattr(user, "otp_device", None)
    detail = {"second_factor": type(device).__name__.lower()} if device is not None else None
    audit_record(action=AuditAction.LOGIN, actor=user, request=request, detail=detail)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept (it tells an attack from a typo); the password never is.
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        request=request,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
