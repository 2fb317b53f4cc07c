"""Repatriation: one plan per case and its ordered steps, instantiated from a step template
chosen by route (home country, country where the person is). See docs/repatriation.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cases import disclosure
from config.dates import FUTURE_PLAN
from fieldcrypt.fields import EncryptedCharField, EncryptedTextField
from partners.models import OrganizationKind


class PlanStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


# Which plan status may follow which. Starting (→ in progress) also needs the person's consent
# to return; services.plan_set_status checks it.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.PLANNING: frozenset({PlanStatus.IN_PROGRESS, PlanStatus.CANCELLED}),
    PlanStatus.IN_PROGRESS: frozenset(
        {PlanStatus.SUSPENDED, PlanStatus.COMPLETED, PlanStatus.CANCELLED}
    ),
    PlanStatus.SUSPENDED: frozenset({PlanStatus.IN_PROGRESS, PlanStatus.CANCELLED}),
    PlanStatus.COMPLETED: frozenset(),
    PlanStatus.CANCELLED: frozenset(),
}

# Steps may be worked on while the plan is being prepared or carried out.
OPEN_PLAN_STATUSES = (PlanStatus.PLANNING, PlanStatus.IN_PROGRESS)


class Situation(models.TextChoices):
    DETENTION = "detention", _("In detention")
    SHELTER = "shelter", _("In a shelter")
    FREE = "free", _("Free")


class StepKind(models.TextChoices):
    LOCATED_SAFE = "located_safe", _("Person located and safe")
    INTERVIEW = "interview", _("Interview and victim identification")
    CONSENT = "consent", _("Consent to return recorded")
    NATIONALITY = "nationality", _("Nationality verified")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document issued")
    EXIT_CLEARANCE = (
        "exit_clearance",
        _("Exit clearance / immigration (incl. release from detention)"),
    )
    FAMILY_TRACING = "family_tracing", _("Family tracing and home assessment")
    TRAVEL_ARRANGED = "travel_arranged", _("Travel arranged")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived and received (border, airport or transit centre)")
    HANDED_OVER = "handed_over", _("Handed over to family or shelter")
    FOLLOW_UP_3 = "follow_up_3", _("Reintegration follow-up at 3 months")
    FOLLOW_UP_6 = "follow_up_6", _("Reintegration follow-up at 6 months")
    FOLLOW_UP_12 = "follow_up_12", _("Reintegration follow-up at 12 months")


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    SKIPPED = "skipped", _("Skipped")


# A step in one of these needs a reason: partners must know why the chain stopped.
REASON_REQUIRED = (StepStatus.BLOCKED, StepStatus.SKIPPED)
# Finished steps count towards progress and are never overdue.
FINISHED = (StepStatus.DONE, StepStatus.SKIPPED)


class Responsible(models.TextChoices):
    """Who does a template step, resolved to an organisation when a plan is created."""

    OWNER = "owner", _("Case owner organisation")
    EMBASSY = "embassy", _("Embassy")
    LEAD = "lead", _("Lead organisation")


class StepTemplate(models.Model):
    """The steps of a route. Blank countries match any country; ``organization`` blank is a
    platform-wide template, otherwise the template of that lead organisation."""

    name = models.CharField(_("name"), max_length=120)
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="repatriation_templates",
        verbose_name=_("lead organisation"),
        help_text=_("Leave empty for a template every organisation uses."),
    )
    home_country = CountryField(_("home country"), blank=True)
    current_country = CountryField(_("country where the person is"), blank=True)
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        editable=False,
        help_text=_("The platform template used when no route matches."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("repatriation step template")
        verbose_name_plural = _("repatriation step templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="repatriation_one_default_template",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StepTemplateItem(models.Model):
    template = models.ForeignKey(StepTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    responsible = models.CharField(
        _("responsible"), max_length=10, choices=Responsible.choices, default=Responsible.LEAD
    )
    due_after_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=7,
        help_text=_("Days after the plan is created."),
    )

    class Meta:
        ordering = ["template", "order"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="repatriation_item_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"


class RepatriationPlan(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="repatriation_plan"
    )
    current_country = CountryField(_("country where the person is"))
    # Identity-sensitive: shown only to users who may view the person's identity.
    place = EncryptedCharField(_("place"), max_length=200, blank=True)
    situation = models.CharField(_("situation"), max_length=10, choices=Situation.choices)
    home_country = CountryField(_("home country"))
    home_province = models.CharField(_("home province"), max_length=100, blank=True)
    embassy = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="repatriations_as_embassy",
        limit_choices_to={"kind": OrganizationKind.EMBASSY},
        verbose_name=_("embassy or consulate"),
    )
    lead_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="repatriations_led",
        verbose_name=_("lead organisation"),
    )
    target_return_date = models.DateField(
        _("target return date"), null=True, blank=True, validators=[FUTURE_PLAN]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNING
    )
    template = models.ForeignKey(
        StepTemplate, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("repatriation plan")
        verbose_name_plural = _("repatriation plans")
        indexes = [
            models.Index(fields=["embassy"], name="repatriation_plan_embassy"),
            models.Index(fields=["lead_organization"], name="repatriation_plan_lead"),
        ]

    def __str__(self) -> str:  # the reference, never a name
        return _("Repatriation plan of %(reference)s") % {"reference": self.case.reference}


class RepatriationStep(models.Model):
    plan = models.ForeignKey(RepatriationPlan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    responsible_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repatriation_steps",
        verbose_name=_("responsible organisation"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[FUTURE_PLAN])
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = EncryptedTextField(_("note"), max_length=2_000, blank=True)
    reason = EncryptedTextField(_("reason"), max_length=2_000, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    # When the periodic task told the responsible organisation the step is past due; cleared
    # when the due date moves, so a new date can be flagged again.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Change history (shown on the case page); flags and versions are bookkeeping.
    history = HistoricalRecords(excluded_fields=["overdue_flagged_at", "version"])

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("repatriation step")
        verbose_name_plural = _("repatriation steps")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="repatriation_step_order"),
            models.CheckConstraint(
                condition=~models.Q(status__in=REASON_REQUIRED) | ~models.Q(reason=""),
                name="repatriation_step_reason_when_blocked_or_skipped",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_organization"], name="repatriation_step_resp"),
            models.Index(fields=["status", "due_date"], name="repatriation_step_due"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_finished
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


# What of a plan and a step is identity (cases.disclosure): where the person is and where
# they come from to the province (a home village is a few families), and the steps' free
# text. Everything else (countries, organisations, dates, statuses) is statistics-level.
PLAN_FIELDS = disclosure.register("plan", ("place", "home_province"))
STEP_FIELDS = disclosure.register("step", ("note", "reason"))
