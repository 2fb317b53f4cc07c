"""In-app notifications, which double as the outbox for their emails.

A row is written in the same transaction as whatever it tells of; the email is sent by a
Celery task keyed on the row id, and the row records when it was sent. The row, not the
broker, is the truth: a periodic sweep re-publishes rows still unsent."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    # Rendered in the recipient's language when written. Never a person's name, phone or
    # location: this text goes into emails, which are not a safe channel.
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # When a task for this email was last handed to the broker; cleared when that task ends
    # without sending, so the sweep re-publishes at once and never doubles a pending task.
    email_queued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                name="notification_unsent",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class PushSubscription(models.Model):
    """One device (one browser on one phone) that asked for push notifications: the Web Push
    endpoint and keys its browser gave us. Removed when its user logs out on that device,
    when the user is deactivated, and when the push service says it is gone (404/410)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's URL for this device. Unique: a shared phone's browser has one
    # endpoint, and it belongs to whoever turned notifications on last.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's public key, base64url
    auth = models.CharField(max_length=50)  # the browser's auth secret, base64url
    label = models.CharField(max_length=100, blank=True)  # from the user agent: "Chrome on Android"
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label or 'device'} of {self.user_id}"


class PushDelivery(models.Model):
    """The push of one notification to one device: the outbox row of the push channel, as the
    notification row is the email's. Sent at most once (the row is locked while sending and
    marked in the same transaction); a sweep re-publishes those still unsent."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="push_deliveries"
    )
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # As Notification.email_queued_at: when a task for it was handed to the broker.
    queued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "subscription"], name="push_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="push_delivery_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"push {self.notification_id} → {self.subscription_id}"
