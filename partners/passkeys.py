"""Passkeys (WebAuthn) as a second factor beside the authenticator app.

Enrol: a logged-in user (verified with their second factor if they have one) asks for
registration options, their browser creates a credential, the server verifies it. Login:
after the password, the second step offers "Use a passkey"; the server sends authentication
options for the waiting user's passkeys and verifies the assertion, its signature counter
and its origin. Each challenge is made here, kept in the session with its purpose and
time, and used once: a replayed or late answer is refused. The relying party is this site
(WEBAUTHN_RP_ID / WEBAUTHN_ORIGIN, else SITE_URL's host and origin)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from audit.models import AuditAction
from audit.services import audit_record

from .models import Passkey

CHALLENGE_KEY = "homeward_webauthn_challenge"
REGISTER, LOGIN = "register", "login"
MAX_PASSKEYS = 10
NAME_MAX = 64


class PasskeyError(Exception):
    """The browser's answer was refused (wrong challenge, origin, signature, counter…)."""


def rp_id() -> str:
    return settings.WEBAUTHN_RP_ID or (urlsplit(str(settings.SITE_URL)).hostname or "localhost")


def origin() -> str:
    if settings.WEBAUTHN_ORIGIN:
        return settings.WEBAUTHN_ORIGIN
    parts = urlsplit(str(settings.SITE_URL))
    return f"{parts.scheme}://{parts.netloc}"


def has_passkeys(user) -> bool:
    return Passkey.objects.filter(user=user, confirmed=True).exists()


def for_user(user):
    return Passkey.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def _store(session, purpose: str, challenge: bytes, user_id: int) -> None:
    session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "user_id": user_id,
        "at": int(time.time()),
    }


def _take(session, purpose: str, user_id: int) -> bytes:
    """The challenge issued for ``purpose`` and ``user_id``, removed from the session: it is
    answered once. Refused if there is none, it is for something else, or it is too old."""
    stored = session.pop(CHALLENGE_KEY, None)
    if (
        not stored
        or stored.get("purpose") != purpose
        or stored.get("user_id") != user_id
        or time.time() - stored.get("at", 0) > settings.WEBAUTHN_CHALLENGE_SECONDS
    ):
        raise PasskeyError("no challenge")
    return base64url_to_bytes(stored["challenge"])


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=bytes(p.credential_id)) for p in for_user(user)]


def registration_options(*, user, session) -> str:
    """JSON for navigator.credentials.create(); the challenge waits in ``session``."""
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        user_display_name=user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _store(session, REGISTER, options.challenge, user.pk)
    return options_to_json(options)


@transaction.atomic
def register(*, user, session, name: str, credential: dict | str, request=None) -> Passkey:
    """Verify the browser's new credential against the session's challenge and keep it."""
    challenge = _take(session, REGISTER, user.pk)
    name = " ".join((name or "").split())[:NAME_MAX]
    if not name:
        raise PasskeyError("name")
    if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS:
        raise PasskeyError("too many")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(str(exc)) from exc
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise PasskeyError("already registered")
    transports = []
    if isinstance(credential, dict):
        raw = (credential.get("response") or {}).get("transports") or []
        transports = [str(t)[:20] for t in raw if isinstance(t, str)][:8]
    passkey = Passkey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
    )
    audit_record(
        action=AuditAction.CHANGED,
        actor=user,
        target=user,
        request=request,
        detail={"change": "passkey added", "passkey": passkey.pk},
    )
    return passkey


def authentication_options(*, user, session) -> str:
    """JSON for navigator.credentials.get() with the waiting user's passkeys."""
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _store(session, LOGIN, options.challenge, user.pk)
    return options_to_json(options)


@transaction.atomic
def authenticate(*, user, session, credential: dict) -> Passkey:
    """Verify an assertion from one of ``user``'s passkeys against the session's challenge.
    The stored counter is locked and must rise (unless the authenticator keeps none)."""
    challenge = _take(session, LOGIN, user.pk)
    try:
        raw_id = base64url_to_bytes(str(credential["rawId"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise PasskeyError("credential") from exc
    passkey = (
        Passkey.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=raw_id)
        .first()
    )
    if passkey is None:
        raise PasskeyError("unknown passkey")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(str(exc)) from exc
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


@transaction.atomic
def remove(*, user, passkey_id: int, request=None) -> bool:
    """The user removes one of their passkeys. Another user's id matches nothing."""
    deleted, _ = Passkey.objects.filter(user=user, pk=passkey_id).delete()
    if deleted:
        audit_record(
            action=AuditAction.CHANGED,
            actor=user,
            target=user,
            request=request,
            detail={"change": "passkey removed", "passkey": passkey_id},
        )
    return bool(deleted)


@transaction.atomic
def remove_all(*, user, by, request=None) -> int:
    """An org admin resets a member's passkeys (a lost or shared phone). Precondition: ``by``
    may manage ``user`` (partners.services checks it)."""
    deleted, _ = Passkey.objects.filter(user=user).delete()
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=user,
        request=request,
        detail={"change": "passkeys reset", "count": deleted},
    )
    return deleted
