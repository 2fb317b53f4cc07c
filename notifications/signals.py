"""Push subscriptions end with the session that turned them on, and with the user."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import push


@receiver(user_logged_out)
def revoke_this_device(sender, request, user, **kwargs) -> None:
    """Logging out (by the button or the idle timeout) stops pushes to this device: on a
    shared phone the next person must not see the last one's notifications."""
    if request is not None and hasattr(request, "session"):
        push.revoke_session(user=user, session=request.session)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_when_deactivated(sender, instance, **kwargs) -> None:
    if not instance.is_active:
        push.revoke_all(user=instance)
