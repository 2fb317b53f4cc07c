"""Keep each organisation's group in step with its members (a user is in exactly the group of
the organisation they belong to, and in no other organisation group); start each session's
idle clock and two-factor obligations at login."""

import time

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import twofactor
from .middleware import LAST_ACTIVITY_KEY
from .models import User


@receiver(post_save, sender=User)
def sync_organization_group(sender, instance: User, **kwargs) -> None:
    org_groups = Group.objects.filter(organization__isnull=False)
    wanted = instance.organization.group_id if instance.organization is not None else None
    stale = instance.groups.filter(pk__in=org_groups)
    if wanted is not None:
        stale = stale.exclude(pk=wanted)
    if stale.exists():
        instance.groups.remove(*stale)
    if wanted is not None and not instance.groups.filter(pk=wanted).exists():
        instance.groups.add(wanted)


@receiver(user_logged_in)
def start_session_obligations(sender, request, user, **kwargs) -> None:
    """Every login, whatever the path: start the idle clock and note what 2FA still owes.

    Our two-step login sets ``user.otp_device`` before logging in; any other path (a test's
    ``force_login``, a login form we do not control) arrives without it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    request.session.pop(twofactor.OBLIGATION_KEY, None)
    if getattr(user, "otp_device", None) is not None:
        return
    if twofactor.has_second_factor(user):
        request.session[twofactor.OBLIGATION_KEY] = twofactor.VERIFY
    elif twofactor.required_for(user):
        request.session[twofactor.OBLIGATION_KEY] = twofactor.ENROL
