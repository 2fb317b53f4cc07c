"""After the return: needs, services delivered (loans and grants with repayments), follow-ups
with structured outcomes, case transfers and the service directory. See docs/reintegration.md.

Free text and exact places are identity (declared below with cases.disclosure); everything
else (kinds, organisations, dates, amounts, outcomes) is statistics-level."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases import disclosure
from config.dates import FUTURE_PLAN, PAST_EVENT
from fieldcrypt.fields import EncryptedCharField, EncryptedTextField

from .places import validate_currency
from .vocab import (
    ForSex,
    Health,
    Method,
    NeedStatus,
    Schedule,
    ServiceStatus,
    ServiceType,
    TransferStatus,
)


def amount_field(label: Any) -> models.DecimalField:
    """An optional amount of money (its currency beside it, ISO 4217)."""
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class Need(models.Model):
    """One need of the person, from the needs assessment, and who will meet it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("need"), max_length=24, choices=ServiceType.choices)
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs_met",
        verbose_name=_("organisation meeting it"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED
    )
    assessed_on = models.DateField(
        _("assessed on"), default=timezone.localdate, validators=[PAST_EVENT]
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="reintegration_one_need_a_kind")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()}"


class ServiceRecord(models.Model):
    """A service delivered to the person, by its provider organisation."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="services_provided",
        verbose_name=_("provider"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("referral"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.ONGOING
    )
    started_on = models.DateField(_("started on"), validators=[FUTURE_PLAN])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[FUTURE_PLAN])
    amount = amount_field(_("amount"))
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    schedule = models.CharField(
        _("repayment schedule"), max_length=10, choices=Schedule.choices, blank=True
    )
    # Identity: where it is delivered (an address) and what was written about it.
    place = EncryptedCharField(_("where"), max_length=200, blank=True)
    note = EncryptedTextField(_("note"), max_length=2_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "started_on", "id"]
        indexes = [models.Index(fields=["provider", "type"], name="reint_service_provider")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="reintegration_service_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="reintegration_service_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.provider_id})"

    @property
    def is_loan(self) -> bool:
        return self.type == ServiceType.MICRO_LOAN


class Repayment(models.Model):
    service = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="repayments")
    paid_on = models.DateField(_("paid on"), validators=[PAST_EVENT])
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="reintegration_repayment_positive",
                violation_error_message=_("A repayment must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.paid_on})"


class FollowUp(models.Model):
    """A follow-up 3, 6 or 12 months after the return, and what it found."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the return"))
    returned_on = models.DateField(_("returned on"), validators=[PAST_EVENT])
    due_on = models.DateField(_("due on"), validators=[FUTURE_PLAN])
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    assigned_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("assigned organisation"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # What was found: empty until done.
    held_on = models.DateField(_("date"), null=True, blank=True, validators=[PAST_EVENT])
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, blank=True)
    reached = models.BooleanField(_("person reached"), null=True, blank=True)
    safe = models.BooleanField(_("safe"), null=True, blank=True)
    with_family = models.BooleanField(_("living with family"), null=True, blank=True)
    working = models.BooleanField(_("working"), null=True, blank=True)
    income_month = amount_field(_("income per month"))
    income_currency = models.CharField(
        _("income currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    in_debt = models.BooleanField(_("in debt"), null=True, blank=True)
    debt_amount = amount_field(_("debt"))
    debt_currency = models.CharField(
        _("debt currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, blank=True)
    in_school = models.BooleanField(_("in school or training"), null=True, blank=True)
    re_migrated = models.BooleanField(_("migrated again"), null=True, blank=True)
    re_trafficked = models.BooleanField(_("trafficked again"), null=True, blank=True)
    new_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new case"),
    )
    satisfied = models.BooleanField(_("satisfied with the services"), null=True, blank=True)
    wants_support = models.BooleanField(_("wants more support"), null=True, blank=True)
    # Identity: where the person lives now, and what was written.
    place = EncryptedCharField(_("where the person lives"), max_length=200, blank=True)
    note = EncryptedTextField(_("note"), max_length=2_000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "months"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="reintegration_one_follow_up"),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(held_on__gte=models.F("returned_on")),
                name="reintegration_follow_up_after_return",
                violation_error_message=_("A follow-up cannot be dated before the return."),
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_organization", "due_on"], name="reint_followup_org"),
            models.Index(fields=["window_end"], name="reint_followup_window"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.months}"

    @property
    def is_done(self) -> bool:
        return self.recorded_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.window_end < timezone.localdate()

    @property
    def is_due(self) -> bool:
        today = timezone.localdate()
        return not self.is_done and self.window_start <= today <= self.window_end


class Transfer(models.Model):
    """The owner hands the case to another organisation: ownership moves on acceptance."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="transfers_sent"
    )
    to_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="transfers_received",
        verbose_name=_("to organisation"),
    )
    reason = models.CharField(
        _("reason"),
        max_length=1_000,
        help_text=_(
            "The receiving organisation reads this before accepting. Do not write the "
            "person's name, phone number or location."
        ),
    )
    keep_read = models.BooleanField(
        _("keep read access"),
        default=False,
        help_text=_(
            "Your organisation keeps seeing the case (not changing it) after the transfer."
        ),
    )
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=1_000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="reintegration_one_pending_transfer",
                violation_error_message=_(
                    "A transfer of this case is already waiting for an answer."
                ),
            )
        ]
        indexes = [models.Index(fields=["to_organization", "status"], name="reint_transfer_to")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_organization_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING


class ServiceOffer(models.Model):
    """What an organisation offers, for whom, where, and how many beds are free now."""

    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.CASCADE, related_name="service_offers"
    )
    service = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    for_sex = models.CharField(_("for"), max_length=10, choices=ForSex.choices, default=ForSex.ANY)
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("For example: km, en, th")
    )
    beds_free = models.PositiveIntegerField(
        _("beds free now"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("Beds free cannot be below zero.")),
            MaxValueValidator(10_000),
        ],
    )
    capacity_updated_on = models.DateField(_("capacity updated on"), null=True, blank=True)
    how_to_refer = models.CharField(_("how to refer"), max_length=1_000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "service"], name="reintegration_one_offer_a_service"
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_max__gte=models.F("age_min")),
                name="reintegration_offer_age_range",
                violation_error_message=_("The oldest age cannot be below the youngest."),
            ),
        ]
        indexes = [models.Index(fields=["service"], name="reint_offer_service")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.get_service_display()}"


class OfferArea(models.Model):
    """Where an offer is available: a country, or one province of it (ISO 3166-2)."""

    offer = models.ForeignKey(ServiceOffer, on_delete=models.CASCADE, related_name="areas")
    country = CountryField(_("country"))
    province = models.CharField(_("province (ISO 3166-2)"), max_length=6, blank=True)

    class Meta:
        ordering = ["offer", "country", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "country", "province"], name="reintegration_one_area"
            )
        ]
        indexes = [models.Index(fields=["country", "province"], name="reint_area_place")]

    def __str__(self) -> str:
        return self.province or str(self.country)


# What of these records is identity (cases.disclosure): exact places and free text.
SERVICE_FIELDS = disclosure.register("service", ("place", "note"))
FOLLOW_UP_FIELDS = disclosure.register("follow_up", ("place", "note"))


# What a follow-up records of the person's situation: the form, the API and the follow-up
# service read this list.
OUTCOMES = (
    "safe",
    "with_family",
    "working",
    "income_month",
    "income_currency",
    "in_debt",
    "debt_amount",
    "debt_currency",
    "health",
    "in_school",
    "re_migrated",
    "re_trafficked",
    "new_case",
    "satisfied",
    "wants_support",
)
