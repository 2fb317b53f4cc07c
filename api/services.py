"""Writes on API tokens: issuing one (a login) and revoking one, each with its audit event."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from partners.models import User

from .models import ApiToken


@transaction.atomic
def api_token_issue(
    *, user: User, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new expiring token for ``user``, who has just proved who they are (password and,
    with 2FA, a code): the token and its secret form, shown once. Audited as a login."""
    token, raw = ApiToken.issue(user=user, name=name)
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        request=request,
        detail={"via": "api-token", "token": token.key},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke ``token`` (the row stays, for the audit trail). Whether ``by`` may is the
    caller's lookup: their own tokens, or an organisation admin's organisation's. Revoking a
    revoked token changes nothing and records nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action=AuditAction.CHANGED,
            actor=by,
            target=token,
            request=request,
            detail={"revoked": True},
        )
    return token
