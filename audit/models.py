"""Append-only record of who saw, exported or changed what.

The application never updates or deletes an AccessEvent (save() refuses an update, delete()
refuses), and on PostgreSQL a trigger refuses UPDATE and DELETE on the table itself."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEWED_CASE = "viewed_case", _("Viewed a case")
    VIEWED_IDENTITY = "viewed_identity", _("Viewed a person's identity")
    SEARCHED_IDENTITY = "searched_identity", _("Searched by name or phone")
    CHANGED = "changed", _("Changed a record")
    EXPORT_REQUESTED = "export_requested", _("Requested an export")
    EXPORT_DOWNLOADED = "export_downloaded", _("Downloaded an export")
    GRANTED = "granted", _("Granted access")
    REVOKED = "revoked", _("Revoked access")
    REFERRAL = "referral", _("Referral transition")
    CONSENT_OVERRIDE = "consent_override", _("Consent check overridden")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    # Attachments (documents/): detail.attachment and detail.kind name the file.
    ATTACHMENT_UPLOADED = "attachment_uploaded", _("Uploaded an attachment")
    ATTACHMENT_VIEWED = "attachment_viewed", _("Viewed an attachment")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Downloaded an attachment")
    ATTACHMENT_REPLACED = "attachment_replaced", _("Replaced an attachment")
    ATTACHMENT_DELETED = "attachment_deleted", _("Deleted an attachment")


class AccessEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied, not linked: the log must outlive renamed or removed organisations.
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization_id", "-at"], name="audit_org_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only")
