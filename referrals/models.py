"""Referrals: one organisation asks another to act on a case.

A referral is addressed to an organisation, never to a person. Access follows it: the
receiving organisation holds nothing on the case until it accepts, and what accepting granted
is recorded on the row (``granted_perms``) so that declining, cancelling or completing takes
back exactly that and nothing another referral still needs.

    pending ──accept──▶ accepted ──complete──▶ completed   (access becomes read-only)
       │                   └──────cancel────▶ cancelled    (grants revoked)
       ├──decline──▶ declined
       └──cancel───▶ cancelled
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.vocab import Urgency


class ReferralService(models.TextChoices):
    REPATRIATION = "repatriation", _("Repatriation")
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    LEGAL = "legal", _("Legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    JOB_TRAINING = "job_training", _("Job training")
    LIVELIHOOD = "livelihood", _("Micro-loan / livelihood")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement follow-up")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which a referral holds access for the receiving organisation.
ACTIVE_STATUSES = (ReferralStatus.ACCEPTED,)


def response_deadline(urgency: str, start=None):
    hours = settings.REFERRAL_RESPONSE_HOURS.get(
        urgency, settings.REFERRAL_RESPONSE_HOURS["routine"]
    )
    return (start or timezone.now()) + timedelta(hours=hours)


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    to_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to organisation"),
    )
    service = models.CharField(_("service"), max_length=20, choices=ReferralService.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    message = models.TextField(
        _("message"),
        max_length=2000,
        blank=True,
        help_text=_(
            "What you ask of the partner. Shown before they accept: do not write the "
            "person's name, phone number or location here."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PENDING,
    )
    respond_by = models.DateTimeField(_("respond by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_created"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Exactly the permissions accepting this referral newly granted (codenames).
    granted_perms = models.JSONField(default=list, blank=True)
    consent_override_reason = models.TextField(max_length=1000, blank=True)
    # Each reminder is sent once; the time it went out is recorded here.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Change history (shown on the case page); reminder bookkeeping is not a change.
    history = HistoricalRecords(excluded_fields=["reminder_sent_at", "escalated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_organization", "status"], name="referral_incoming"),
            models.Index(fields=["from_organization", "status"], name="referral_outgoing"),
            models.Index(fields=["status", "respond_by"], name="referral_deadline"),
        ]
        constraints = [
            # Never two pending referrals from anyone to the same organisation on one case.
            models.UniqueConstraint(
                fields=["case", "to_organization"],
                condition=models.Q(status="pending"),
                name="one_pending_referral_per_org",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_organization=models.F("to_organization")),
                name="referral_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.get_service_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ReferralStatus.PENDING

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.respond_by < timezone.now()
