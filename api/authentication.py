import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_secret


class ExpiringTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer hw_<key>_<secret>``. Expired or revoked tokens are refused
    with the same message as unknown ones."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            return None
        raw = parts[1]
        invalid = exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        try:
            prefix, key, secret = raw.split("_", 2)
        except ValueError:
            raise invalid from None
        if prefix != "hw":
            raise invalid
        token = (
            ApiToken.objects.select_related("user", "user__organization").filter(key=key).first()
        )
        if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
            raise invalid
        if not token.is_active or not token.user.is_active:
            raise invalid
        # Recorded at most once a minute: a busy hotline should not write on every call.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "hw_<key>_<secret>"}
