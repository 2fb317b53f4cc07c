"""Your notifications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.models import Notification

from .. import examples as ex


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))


# --- examples -------------------------------------------------------------------------------

NOTIFICATION = {
    "id": 1201,
    "kind": "referral_received",
    "message": "New referral for case KH-MLC-2026-00131: shelter, urgent.",
    "link": "/referrals/77/",
    "created_at": "2026-11-29T03:30:01Z",
    "read_at": None,
    "read": False,
}

LIST_EXAMPLES = [ex.answer("Your notifications", NOTIFICATION, list_page=True)]
READ_EXAMPLES = [
    ex.answer("Read", {**NOTIFICATION, "read_at": "2026-11-29T04:00:00Z", "read": True}),
    ex.ERROR_404,
]
READ_ALL_EXAMPLES = [ex.answer("Marked", {"marked": 3})]
