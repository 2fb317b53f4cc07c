"""Attachments: files about a case, its person or a repatriation step.

The bytes live in ``STORAGES["attachments"]`` encrypted (documents.crypto) under a random
name that says nothing about the file; the row holds what the file is (kind, date, type,
size, digest of the plain bytes) and which key encrypted it. The name the file had on the
uploader's device is kept only as display text, encrypted like the description (both may
name the person). A deleted attachment keeps its row (who deleted it, when) and its change
history; its bytes and thumbnail are gone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import disclosure
from config.dates import PAST_EVENT
from fieldcrypt.fields import EncryptedCharField


class AttachmentKind(models.TextChoices):
    PASSPORT_OR_ID = "passport_or_id", _("Passport or identity card")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    SIGNED_CONSENT = "signed_consent", _("Signed consent")
    PERSON_PHOTO = "person_photo", _("Photo of the person")
    MEDICAL_REPORT = "medical_report", _("Medical report")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


# Kinds that identify the person: shown (listed, opened, printed) only with the
# view-identity permission. A signed consent carries the person's name and signature, a
# medical report their name and health: both count as identity. documents.access applies it.
IDENTITY_KINDS = frozenset(
    {
        AttachmentKind.PASSPORT_OR_ID,
        AttachmentKind.TRAVEL_DOCUMENT,
        AttachmentKind.BIRTH_CERTIFICATE,
        AttachmentKind.SIGNED_CONSENT,
        AttachmentKind.PERSON_PHOTO,
        AttachmentKind.MEDICAL_REPORT,
    }
)


class ContentType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    WEBP = "image/webp", "WebP"


DESCRIPTION_LENGTH = 500
FILENAME_LENGTH = 120


class Attachment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
    # Set for the kinds about the person (IDENTITY_KINDS): the case's person at upload.
    person = models.ForeignKey(
        "cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    repatriation_step = models.ForeignKey(
        "repatriation.RepatriationStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("repatriation step"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    description = EncryptedCharField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    document_date = models.DateField(
        _("date of the document"), null=True, blank=True, validators=[PAST_EVENT]
    )
    # What the uploader's device called it: display text only, never a path.
    original_name = EncryptedCharField(_("file name"), max_length=FILENAME_LENGTH, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The uploader's organisation at the time (kept for the record).
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    content_type = models.CharField(max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Random, in the storage: "a1/<32 hex>.bin". Never derived from the file name.
    storage_name = models.CharField(max_length=100, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    sha256 = models.CharField(max_length=64)
    thumbnail_name = models.CharField(max_length=100, blank=True)
    thumbnail_key_id = models.CharField(max_length=16, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["thumbnail_name", "thumbnail_key_id"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["case", "deleted_at", "-created_at"], name="attachment_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=False) | ~models.Q(storage_name=""),
                name="attachment_has_bytes_unless_deleted",
            ),
            models.CheckConstraint(
                condition=models.Q(size__lte=1024 * 1024 * 1024), name="attachment_size_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"Attachment {self.pk} of case {self.case_id}"

    @property
    def is_identity(self) -> bool:
        return self.kind in IDENTITY_KINDS

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def download_name(self) -> str:
        """A name made by us for the download: reference, kind, id and extension."""
        ext = {
            ContentType.PDF: "pdf",
            ContentType.JPEG: "jpg",
            ContentType.PNG: "png",
            ContentType.WEBP: "webp",
        }.get(self.content_type, "bin")  # type: ignore[call-overload]
        return f"{self.case.reference}-{self.kind}-{self.pk}.{ext}"


# What of an attachment's record is identity (cases.disclosure): its description and the
# uploaded file's name may name the person. (Which kinds of file need the identity is
# documents.access's rule: ``IDENTITY_KINDS``.)
ATTACHMENT_FIELDS = disclosure.register("attachment", ("description", "original_name"))
