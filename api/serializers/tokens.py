"""API tokens: asking for one, the one issued, your tokens."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import examples as ex
from ..models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("A TOTP code, required when the user has 2FA."),
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("What the token is for, e.g. 'hotline system'."),
    )


class TokenIssuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text=_("Shown once. Send as 'Authorization: Bearer …'."))
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "key",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields


# --- examples -------------------------------------------------------------------------------

TOKEN = {
    "id": 12,
    "name": "hotline",
    "key": "Xk3pQ9",
    "user": "hotline-bot",
    "created_at": "2026-11-29T03:00:00Z",
    "expires_at": "2026-12-29T03:00:00Z",
    "last_used_at": "2026-11-29T03:12:00Z",
    "revoked_at": None,
    "active": True,
}

LIST_EXAMPLES = [ex.answer("Your tokens", TOKEN, list_page=True)]
REQUEST_EXAMPLES = [
    ex.sent("Hotline system", {"username": "hotline-bot", "password": "…", "name": "hotline"}),
]
