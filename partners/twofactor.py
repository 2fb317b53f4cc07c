"""Two-factor authentication with django-otp: one TOTP authenticator per user plus a set of
single-use backup codes (django-otp's static device).

Session keys used by the login flow and the middleware live here so that the views, the
``user_logged_in`` receiver and the middleware agree on them."""

from __future__ import annotations

import base64
import time

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import audit_record

# A login whose password was right and whose code is still awaited: {"user_id", "backend",
# "at", "next"}. The user is not logged in until the code is right.
PENDING_LOGIN_KEY = "homeward_2fa_pending"
# What the session still owes: "enrol" (a role that needs 2FA, no device yet) or "verify"
# (logged in without a code although the user has a device: e.g. a path we do not control).
OBLIGATION_KEY = "homeward_2fa_obligation"
ENROL = "enrol"
VERIFY = "verify"

AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10


def required_for(user) -> bool:
    """Whether ``user`` must have two factors (settings OTP_REQUIRED_*)."""
    if getattr(settings, "OTP_REQUIRED_FOR_ALL", False):
        return True
    if getattr(settings, "OTP_REQUIRED_FOR_STAFF", False) and (user.is_staff or user.is_superuser):
        return True
    return user.role in getattr(settings, "OTP_REQUIRED_ROLES", [])


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey: the login then asks for one of them."""
    from .passkeys import has_passkeys

    return has_authenticator(user) or has_passkeys(user)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(*, user) -> TOTPDevice:
    """The unconfirmed device whose secret the set-up page shows; the same one on reload, so
    the QR code does not change under the user's phone. Unconfirmed devices verify nothing
    (django-otp ignores them at login)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(user, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (and is thereby used up: a TOTP step cannot
    be replayed, a backup code is deleted), or None. Six digits are tried on the
    authenticator only, anything else on the backup codes only, so that a backup code does
    not count as a failed authenticator attempt (django-otp throttles failures)."""
    code = normalise_code(code)
    if not code:
        return None
    model: type[Device] = TOTPDevice if (code.isdigit() and len(code) == 6) else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def backup_codes_regenerate(*, user, request=None) -> list[str]:
    """Replace the user's backup codes with new ones and return them: the only time they are
    shown. Precondition: the caller has checked the user is logged in with two factors (or
    is enrolling)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    audit_record(
        action=AuditAction.CHANGED,
        actor=user,
        target=user,
        request=request,
        detail={"change": "backup codes issued"},
    )
    return codes


@transaction.atomic
def two_factor_enrol(*, user, device_id: int, code: str, request=None) -> TOTPDevice | None:
    """Confirm the pending authenticator ``device_id`` of ``user`` with a code from the app.
    On success it replaces any earlier authenticator and is returned; None if the code is
    wrong (the failure is kept: django-otp throttles)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, pk=device_id, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        action=AuditAction.CHANGED,
        actor=user,
        target=user,
        request=request,
        detail={"change": "two-factor enrolled"},
    )
    return device


@transaction.atomic
def two_factor_remove(*, user, by, request=None) -> None:
    """Remove every device of ``user`` (a lost phone). Precondition: ``by`` may manage
    ``user`` (partners.services checks it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=user,
        request=request,
        detail={"change": "two-factor reset"},
    )


def pending_login_start(request, *, user, next_url: str) -> None:
    request.session[PENDING_LOGIN_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
        "next": next_url,
    }


def pending_login(request) -> dict | None:
    """The awaited login, or None if there is none or it is too old (it is then dropped)."""
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending:
        return None
    if time.time() - pending.get("at", 0) > settings.OTP_LOGIN_TIMEOUT_SECONDS:
        del request.session[PENDING_LOGIN_KEY]
        return None
    return pending
