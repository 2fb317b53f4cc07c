"""Org admins manage their own organisation's users. Every change is audited with the target
user; nothing here touches a case."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

from . import twofactor
from .models import User
from .roles import Right, Role, has_right

logger = logging.getLogger(__name__)


def _require_manageable(by: User, user: User) -> None:
    """Views find ``user`` through selectors.manageable_users (a foreign id is a 404 there);
    this is the same rule again, for callers that are not views."""
    if not (
        has_right(by, Right.MANAGE_USERS)
        and user.organization_id == by.organization_id
        and not user.is_staff
        and not user.is_superuser
    ):
        raise PermissionDenied


def _audit(by: User, user: User, request, **detail) -> None:
    audit_record(action=AuditAction.CHANGED, actor=by, target=user, request=request, detail=detail)


def _queue_password_link(user_id: int) -> None:
    from .tasks import send_password_link

    try:
        send_password_link.delay(user_id)
    except Exception:  # the broker's many failure types: say so, the admin can resend
        logger.warning("Could not queue the password link for user %s", user_id)


@transaction.atomic
def user_invite(
    *,
    by: User,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "en",
    request=None,
) -> User:
    """Create a member of ``by``'s organisation with no usable password and email them a link
    to set one. The new user can never be staff or superuser, nor join another organisation."""
    if not has_right(by, Right.MANAGE_USERS):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        organization_id=by.organization_id,
        role=role,
        preferred_language=preferred_language,
        is_staff=False,
        is_superuser=False,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _audit(by, user, request, change="invited", role=role)
    transaction.on_commit(partial(_queue_password_link, user.pk))
    return user


@transaction.atomic
def user_password_link_send(*, by: User, user: User, request=None) -> None:
    """Email ``user`` a new link to set their password (an invitation again, or a forgotten
    password). The link stops working once used or once the password changes."""
    _require_manageable(by, user)
    _audit(by, user, request, change="password link sent")
    transaction.on_commit(partial(_queue_password_link, user.pk))


@transaction.atomic
def user_role_change(*, by: User, user: User, role: str, request=None) -> None:
    _require_manageable(by, user)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot change your own role."))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if role == user.role:
        return
    old = user.role
    user.role = role
    user.save(update_fields=["role"])
    _audit(by, user, request, change="role", before=old, after=role)


@transaction.atomic
def user_active_set(*, by: User, user: User, active: bool, request=None) -> None:
    """Deactivate (the user's sessions end at their next request: the auth backend refuses
    inactive users) or reactivate."""
    _require_manageable(by, user)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit(by, user, request, change="activated" if active else "deactivated")


@transaction.atomic
def user_unlock(*, by: User, user: User, request=None) -> None:
    """Clear the failed-login count that locks ``user`` out (django-axes)."""
    from axes.utils import reset

    _require_manageable(by, user)
    reset(username=user.get_username())
    _audit(by, user, request, change="unlocked")


def user_two_factor_reset(*, by: User, user: User, request=None) -> None:
    """A lost phone: remove the user's authenticator and backup codes. If their role needs
    two factors they enrol again at their next login."""
    _require_manageable(by, user)
    twofactor.two_factor_remove(user=user, by=by, request=request)


def user_passkeys_reset(*, by: User, user: User, request=None) -> int:
    """A lost or shared phone: remove the member's passkeys (audited). Their authenticator
    app, if any, stays."""
    from . import passkeys

    _require_manageable(by, user)
    return passkeys.remove_all(user=user, by=by, request=request)


def password_link_email_send(*, user_id: int) -> bool:
    """Email an active user a link to set their password. The email names the organisation
    and the username only: no case data."""
    user = User.objects.select_related("organization").filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    path = reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "organization": user.organization,
        "link": (settings.SITE_URL or "").rstrip("/") + path,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Homeward: set your password")
        body = render_to_string("partners/email/password_link.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
