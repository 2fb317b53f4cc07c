"""Case summaries exported as PDF.

An Export is requested by one user and belongs to that user alone: only the requester may
see its status or download it, and only while they may still export the case. The file lives
under ``settings.PRIVATE_FILES_ROOT`` (never under MEDIA or STATIC); ``file_path`` is
relative to it.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportPurpose(models.TextChoices):
    PARTNER_COORDINATION = "partner_coordination", _("Partner coordination")
    COURT = "court", _("Court or prosecution")
    EMBASSY = "embassy", _("Embassy")
    DONOR_REPORT = "donor_report", _("Donor report (anonymised)")
    OTHER = "other", _("Other")


# Purposes whose PDF carries no identity, whatever the exporter may see.
ANONYMISED_PURPOSES = frozenset({ExportPurpose.DONOR_REPORT})

# The consent each purpose discloses under (cases.vocab.ConsentPurpose values). When the
# person refused or withdrew it, no export for that purpose is made or downloaded. "Other"
# has no consent of its own.
CONSENT_FOR_PURPOSE = {
    ExportPurpose.PARTNER_COORDINATION: "share_partners",
    ExportPurpose.COURT: "law_enforcement",
    ExportPurpose.EMBASSY: "embassy_contact",
    ExportPurpose.DONOR_REPORT: "statistics",
}


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class Export(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports"
    )
    # The requester's organisation at the time of the request (kept for the record).
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="exports"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="exports")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ExportPurpose.choices)
    purpose_other = models.CharField(_("other purpose"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    file_path = models.CharField(max_length=300, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the task was last queued (request or retry): the stuck-export sweep measures from it.
    queued_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        indexes = [
            models.Index(fields=["requested_by", "case", "-created_at"], name="export_user_case"),
            models.Index(fields=["status", "queued_at"], name="export_status_queued"),
            models.Index(fields=["status", "expires_at"], name="export_status_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="other") | ~models.Q(purpose_other=""),
                name="export_other_purpose_has_text",
            )
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} of case {self.case_id}"

    @property
    def anonymised(self) -> bool:
        return self.purpose in ANONYMISED_PURPOSES

    @property
    def is_pending(self) -> bool:
        return self.status == ExportStatus.PENDING

    @property
    def purpose_label(self) -> str:
        if self.purpose == ExportPurpose.OTHER:
            return f"{self.get_purpose_display()}: {self.purpose_other}"
        return str(self.get_purpose_display())

    @property
    def absolute_path(self) -> Path | None:
        """The file on disk, or None. Refuses a stored path that would leave the root."""
        if not self.file_path:
            return None
        root = Path(settings.PRIVATE_FILES_ROOT).resolve()
        path = (root / self.file_path).resolve()
        if not path.is_relative_to(root):
            return None
        return path

    def filename(self) -> str:
        return f"{self.case.reference}-summary-{self.pk}.pdf"
