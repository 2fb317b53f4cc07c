"""Screening interviews, their answers, identification decisions, trafficking events and the
gazetteer of places.

Identity-level fields (free text that may identify the person, exact workplace or vessel)
are declared in ``identification/fields.py`` and encrypted at rest; indicator codes, places
from the gazetteer and industries are statistics-level."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.vocab import Industry, TraffickingStatus
from config.dates import PAST_EVENT
from fieldcrypt.fields import EncryptedCharField, EncryptedTextField

from .indicators import (
    Answer,
    IndicatorSet,
    InterviewStatus,
    PlaceKind,
    RecruitmentMethod,
    Stage,
)

NOTE_MAX = 1_000  # one evidence note
INTERVIEW_NOTES_MAX = 5_000
REASON_MAX = 2_000
MAX_DEBT = 100_000_000  # in the currency's units; beyond that, a typing error
ADULT_AGE = 18


class Place(models.Model):
    """One place of the gazetteer: a country, an ISO 3166-2 subdivision (pycountry), or a
    port or border crossing of the shipped data file (identification/data/places.json)."""

    code = models.CharField(max_length=40, unique=True)  # "TH-92", "port:TH-KANTANG"
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    country = models.CharField(max_length=2, db_index=True)  # ISO 3166-1 alpha-2
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)  # in English (or its romanisation)
    # Names by language code ("th", "km", "zh"…) for display in the reader's language.
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["country", "kind", "name"]
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "") -> str:
        lang = (language or "").split("-")[0].lower()
        return self.names.get(lang) or self.name


class PlaceName(models.Model):
    """Every name and alias of a place, normalised for lookup (identification.gazetteer)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=10, blank=True)
    normalised = models.CharField(max_length=200, db_index=True)  # the whole name
    key = models.CharField(max_length=200, db_index=True)  # without "port", "province"…

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "normalised"], name="one_alias_per_place")
        ]

    def __str__(self) -> str:
        return self.name


class Interview(models.Model):
    """A screening interview of one person of a case (a call may name several persons;
    each has their case). A draft may be resumed; it is never a decision."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("date of the interview"), validators=[PAST_EVENT])
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where the interview took place"),
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+"
    )
    interpreter_name = EncryptedCharField(_("interpreter"), max_length=150, blank=True)
    interpreter_language = models.CharField(
        _("language interpreted"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    consented_to_interview = models.BooleanField(
        _("the person agreed to be interviewed"), default=False
    )
    support_person_present = models.BooleanField(_("a support person was present"), default=False)
    # None: from the person's age (a child: the means need not be shown).
    means_required = models.BooleanField(
        _("the means must be shown"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to decide from the person's age: for a child, the means need not be shown."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.DRAFT
    )
    notes = EncryptedTextField(_("interview notes"), max_length=INTERVIEW_NOTES_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("screening interview")
        indexes = [models.Index(fields=["case", "-held_on"], name="interview_case")]

    def __str__(self) -> str:
        return f"Interview {self.pk} on case {self.case_id}"

    def earliest_date(self) -> dt.date:
        """Not before the case's first call (or its registration when no call)."""
        from django.db.models import Min

        first_call = self.case.calls.aggregate(first=Min("received_at"))["first"]
        start = first_call or self.case.created_at
        return timezone.localtime(start).date() if timezone.is_aware(start) else start.date()

    def person_age(self) -> int | None:
        return self.case.person.age_on(self.held_on or timezone.localdate())

    def is_child(self) -> bool:
        age = self.person_age()
        return age is not None and age < ADULT_AGE

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.held_on and self.case_id:
            if self.held_on > timezone.localdate():
                errors["held_on"] = _("The interview cannot be in the future.")
            elif self.held_on < self.earliest_date():
                errors["held_on"] = _(
                    "The interview cannot be before the case's first call (%(date)s)."
                ) % {"date": self.earliest_date().isoformat()}
        if self.case_id and self.means_required and self.is_child():
            errors["means_required"] = _(
                "The person was %(age)d on the day of the interview: for a child the means "
                "need not be shown. Leave this empty or untick it."
            ) % {"age": self.person_age()}
        if errors:
            raise ValidationError(errors)


class IndicatorAnswer(models.Model):
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers")
    set = models.CharField(max_length=4, choices=IndicatorSet.choices)
    code = models.CharField(max_length=40)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    evidence = EncryptedTextField(_("evidence note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "set", "code"], name="one_answer_per_question"
            )
        ]
        indexes = [models.Index(fields=["set", "code", "answer"], name="answer_code")]

    def __str__(self) -> str:
        return f"{self.set}:{self.code}={self.answer}"


class IdentificationDecision(models.Model):
    """The deciding organisation's trafficking status for the case, with its reason, from an
    interview. The case's own fields (``trafficking_status``, decided by, on) are written by
    ``cases.services.case_update`` in the same transaction."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(
        _("trafficking status"), max_length=12, choices=TraffickingStatus.choices
    )
    reason = EncryptedTextField(_("reason"), max_length=REASON_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("identification decision")

    def __str__(self) -> str:
        return f"{self.status} on case {self.case_id}"


class TraffickingEvent(models.Model):
    """HTCDS "historic trafficking event": one stage of the person's story."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="trafficking_events"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="events", verbose_name=_("place")
    )
    started_on = models.DateField(
        pgettext_lazy("date", "from"), null=True, blank=True, validators=[PAST_EVENT]
    )
    ended_on = models.DateField(
        pgettext_lazy("date", "to"), null=True, blank=True, validators=[PAST_EVENT]
    )
    period = models.CharField(
        _("approximate period"),
        max_length=100,
        blank=True,
        help_text=_("When exact dates are not known, e.g. “early 2024, about 8 months”."),
    )
    recruitment_method = models.CharField(
        _("how the person was recruited"),
        max_length=20,
        choices=RecruitmentMethod.choices,
        blank=True,
    )
    recruitment_app = models.CharField(
        _("which app or site"),
        max_length=60,
        blank=True,
        help_text=_("For social media or messaging: Facebook, LINE, Telegram…"),
    )
    debt_amount = models.DecimalField(
        _("debt incurred"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DEBT)],
    )
    debt_currency = models.CharField(_("currency"), max_length=3, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    workplace = EncryptedCharField(
        _("vessel or workplace"),
        max_length=200,
        blank=True,
        help_text=_("Its name or number: identifying, shown only with identity permission."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "started_on", "id"]
        verbose_name = _("trafficking event")
        indexes = [models.Index(fields=["case"], name="event_case")]

    def __str__(self) -> str:
        return f"{self.stage} on case {self.case_id}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end cannot be before the start.")
        if self.recruitment_method and self.stage != Stage.RECRUITMENT:
            errors["recruitment_method"] = _(
                "Only a recruitment says how the person was recruited."
            )
        if self.recruitment_app and self.recruitment_method != RecruitmentMethod.SOCIAL_MEDIA:
            errors["recruitment_app"] = _("Name an app only for recruitment through social media.")
        if (self.debt_amount is None) != (not self.debt_currency):
            errors["debt_currency"] = _("Give the debt's amount and its currency together.")
        if self.debt_currency and not (
            self.debt_currency.isalpha() and len(self.debt_currency) == 3
        ):
            errors["debt_currency"] = _("Use the three-letter currency code (THB, USD, KHR…).")
        if errors:
            raise ValidationError(errors)
