"""Persons, cases, distress calls, notes, consent and the case timeline.

Identity fields — anything that identifies a person: names, phone numbers, exact location,
document numbers, family contacts — are listed in IDENTITY_FIELDS and only shown to users
holding ``view_case_identity`` (see cases/access.py and cases/redaction.py).

At rest they are encrypted (fieldcrypt: ``Encrypted*Field``), as are free-text notes and
the call's summary; names, phones and document numbers are searched through the blind
index (``IdentityToken``, cases.identity_index). The date of birth stays plain: the age
figures are computed in SQL (reports), see docs/security.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from config.dates import BIRTH_DATE, PAST_EVENT
from fieldcrypt.fields import EncryptedCharField, EncryptedPhoneNumberField, EncryptedTextField

from .vocab import (
    CallChannel,
    CallerRelation,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DecisionOrgKind,
    ExploitationType,
    Gender,
    Industry,
    RecruiterRelation,
    Sex,
    TraffickingStatus,
    Urgency,
)

PERSON_IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "date_of_birth",
    "phone",
    "family_contacts",
    "document_number",
)
CASE_IDENTITY_FIELDS = ("current_place",)
CALL_IDENTITY_FIELDS = (
    "caller_name",
    "caller_phone",
    "callback_notes",
    "reported_place",
    "reported_port",
    "vessel",
    "employer",
)


class Person(models.Model):
    """A person a case is about. Names are stored as typed, in any script."""

    given_name = EncryptedCharField(_("given name (native script)"), max_length=150, blank=True)
    family_name = EncryptedCharField(_("family name (native script)"), max_length=150, blank=True)
    given_name_latin = EncryptedCharField(
        _("given name (Latin letters)"), max_length=150, blank=True
    )
    family_name_latin = EncryptedCharField(
        _("family name (Latin letters)"), max_length=150, blank=True
    )
    # No default: sex is asked, never assumed.
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    # HTCDS prs_Gender, beside sex: blank = not asked (CTDC then falls back to sex).
    gender = models.CharField(_("gender"), max_length=24, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[BIRTH_DATE]
    )
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
    )
    nationality = CountryField(_("nationality"), blank=True)
    stateless = models.BooleanField(_("stateless"), default=False)
    languages = models.CharField(_("languages spoken"), max_length=100, blank=True)
    phone = EncryptedPhoneNumberField(_("phone"), blank=True)
    document_number = EncryptedCharField(_("identity document number"), max_length=60, blank=True)
    family_contacts = EncryptedTextField(_("family contacts"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Change history (django-simple-history). Its rows hold old identity values: retention
    # scrubs them with the person (cases.retention).
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:  # only ever shown to users who may view identity
        return self.display_name or f"Person {self.pk}"

    @property
    def native_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.given_name_latin, self.family_name_latin) if p)

    @property
    def display_name(self) -> str:
        native, latin = self.native_name, self.latin_name
        if native and latin and native != latin:
            return f"{native} ({latin})"
        return native or latin

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def age_on(self, day) -> int | None:
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return self.estimated_age

    def clean(self) -> None:
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        if self.date_of_birth and self.age_on(timezone.localdate()) > 120:  # type: ignore[operator]
            errors["date_of_birth"] = _("An age over 120 years is not plausible.")
        if not (
            self.given_name or self.family_name or self.given_name_latin or self.family_name_latin
        ):
            errors["given_name"] = _("Give at least one name, in any script.")
        if errors:
            raise ValidationError(errors)


class CaseGroup(models.Model):
    """Cases that belong together: several people named in one distress call (five men on one
    boat), or cases a caseworker links later."""

    owner_organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="case_groups"
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case group")

    def __str__(self) -> str:
        return self.label or f"Group {self.pk}"


class ReferenceCounter(models.Model):
    """Last case number issued per organisation and year. Only ever incremented under a row
    lock, so a reference is unique and never reused, even when a case is deleted."""

    organization = models.ForeignKey("partners.Organization", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}: {self.last_number}"


def new_pseudonym() -> str:
    # No vowels: a pseudonym never spells a word or a name.
    alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"
    return "P-" + "".join(secrets.choice(alphabet) for _ in range(6))


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=20, unique=True, default=new_pseudonym, editable=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    owner_organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("owner organisation"),
    )
    group = models.ForeignKey(
        CaseGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned caseworker"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    # HTCDS: isTraffickingVictim; who decided and when (identification is a formal act).
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=12,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    # HTCDS vic_TraffickingStatusDecisionMakingOrg: the organisation (a reference), the kind of
    # decider (HTCDS code list); the old free text is kept where it matched no organisation.
    trafficking_status_decided_by_org = models.ForeignKey(
        "partners.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identification decided by (organisation)"),
    )
    trafficking_status_decider_kind = models.CharField(
        _("kind of deciding organisation"),
        max_length=24,
        choices=DecisionOrgKind.choices,
        blank=True,
    )
    trafficking_status_decided_by = models.CharField(
        _("identification decided by"), max_length=200, blank=True
    )
    trafficking_status_decided_at = models.DateField(
        _("identification decided on"), null=True, blank=True, validators=[PAST_EVENT]
    )
    # HTCDS: meansOfControl — a list of MeansOfControl values (shown, counted, not filtered).
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    industry = models.CharField(  # HTCDS vic_ForcedLabourIndustry (ISIC Rev. 4)
        _("industry"), max_length=20, choices=Industry.choices, blank=True
    )
    # HTCDS vic_TypeOfSexExploitation — a list of SexExploitationType values.
    sex_exploitation_types = models.JSONField(
        _("types of sexual exploitation"), default=list, blank=True
    )
    # Start and end of the exploitation (HTCDS historic trafficking event "Exploitation"):
    # its duration is CTDC's traffickMonths. End empty = not recorded or ongoing.
    exploitation_started_on = models.DateField(
        _("exploitation started on"), null=True, blank=True, validators=[PAST_EVENT]
    )
    exploitation_ended_on = models.DateField(
        _("exploitation ended on"), null=True, blank=True, validators=[PAST_EVENT]
    )
    recruiter_relation = models.CharField(  # HTCDS: recruiterRelationship
        _("recruiter relation"), max_length=20, choices=RecruiterRelation.choices, blank=True
    )
    country_of_origin = CountryField(_("country of origin"), blank=True)  # HTCDS: citizenship
    country_of_exploitation = CountryField(  # HTCDS: CountryOfExploitation
        _("country of exploitation"), blank=True
    )
    current_country = CountryField(_("current country"), blank=True)
    current_place = EncryptedCharField(
        _("current exact location"),
        max_length=250,
        blank=True,
        help_text=_("Exact place: identifying, shown only with identity permission."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, validators=[PAST_EVENT]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic locking: a save carrying an older version is refused (no lost updates).
    version = models.PositiveIntegerField(default=1)
    # Retention (cases.retention): identity removed, statistics kept; set once, never cleared.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-id"]
        # Only what Homeward uses: no add/delete through object permissions.
        default_permissions = ("view", "change")
        permissions = [
            ("view_case_identity", _("View the identity of the person")),
            ("refer_case", _("Refer the case to a partner")),
            ("export_case", _("Export a case summary")),
            ("assign_case", _("Assign the case")),
            ("update_repatriation", _("Update the repatriation")),
            ("record_services", _("Record services and follow-ups")),
        ]
        indexes = [
            models.Index(fields=["owner_organization", "-updated_at"], name="case_owner_updated"),
            models.Index(fields=["-updated_at", "-id"], name="case_updated"),
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])

    def clean(self) -> None:
        start, end = self.exploitation_started_on, self.exploitation_ended_on
        if start and end and end < start:
            raise ValidationError(
                {"exploitation_ended_on": _("The end cannot be before the start.")}
            )

    @property
    def exploitation_types(self) -> list[str]:
        return [e.type for e in self.exploitations.all()]


class CaseExploitation(models.Model):
    """Types of exploitation of a case (HTCDS: typeOfExploit), several at once. A table rather
    than a list column so that filtering and counting by type stay indexed on every database."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitations")
    type = models.CharField(max_length=30, choices=ExploitationType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "type"], name="one_exploitation_type_per_case")
        ]
        indexes = [models.Index(fields=["type", "case"], name="exploitation_type_case")]

    def __str__(self) -> str:
        return self.type


class DistressCall(models.Model):
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="calls"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[PAST_EVENT]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=CallChannel.choices)
    caller_name = EncryptedCharField(_("caller name"), max_length=200, blank=True)
    caller_relation = models.CharField(
        _("caller's relation to the person"), max_length=20, choices=CallerRelation.choices
    )
    caller_phone = EncryptedPhoneNumberField(_("caller phone"), blank=True)
    callback_notes = EncryptedCharField(
        _("safe time and way to call back"), max_length=250, blank=True
    )
    language = models.CharField(_("language spoken"), max_length=50, blank=True)
    reported_country = CountryField(_("reported country"), blank=True)
    reported_place = EncryptedCharField(_("place"), max_length=200, blank=True)
    reported_port = EncryptedCharField(_("port"), max_length=200, blank=True)
    vessel = EncryptedCharField(_("vessel name or number"), max_length=200, blank=True)
    employer = EncryptedCharField(_("employer or establishment"), max_length=200, blank=True)
    summary = EncryptedTextField(_("what happened"), max_length=10_000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    group = models.ForeignKey(
        CaseGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    cases = models.ManyToManyField(Case, related_name="calls", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("distress call")
        verbose_name_plural = _("distress calls")
        ordering = ["-received_at"]
        # The dashboard counts the calls of the last 7 days.
        indexes = [models.Index(fields=["-received_at"], name="call_received")]

    def __str__(self) -> str:
        return f"Call {self.pk} ({self.received_at:%Y-%m-%d})"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.PROTECT, related_name="+"
    )
    body = EncryptedTextField(_("note"), max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case note")

    def __str__(self) -> str:
        return f"Note {self.pk} on case {self.case_id}"


class Consent(models.Model):
    """One consent decision of the person for one purpose. A withdrawal is recorded on the
    row (withdrawn_at), never by deleting it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("agreed"), help_text=_("Unticked records a refusal."))
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now, validators=[PAST_EVENT])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = EncryptedCharField(_("note"), max_length=250, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        indexes = [models.Index(fields=["case", "purpose", "-given_at"], name="consent_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose}: {'yes' if self.granted else 'no'}"

    @property
    def is_active(self) -> bool:
        return self.granted and self.withdrawn_at is None


class TimelineEntry(models.Model):
    """One thing that happened to a case. Every app adds entries through
    cases.timeline.record(); the case page reads them with one indexed query.

    ``data`` holds the parameters of the entry's sentence (see cases.timeline) and never a
    person's identity: entries are shown to everyone who may see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "partners.Organization", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="timeline_case_at")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class IdentityToken(models.Model):
    """One blind-index token (a keyed HMAC, fieldcrypt.blind) of a person's name, phone or
    document number, or of a call's caller phone. Written by cases.identity_index only."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        DistressCall, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    digest = models.BigIntegerField()
    # The blind-index key it was computed with: rotate_keys recomputes the others.
    kid = models.CharField(max_length=16)

    class Meta:
        indexes = [
            models.Index(fields=["digest", "person"], name="identity_token_person"),
            models.Index(fields=["person"], name="identity_token_of_person"),
            models.Index(fields=["call"], name="identity_token_of_call"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, call__isnull=True)
                | Q(person__isnull=True, call__isnull=False),
                name="identity_token_person_xor_call",
            )
        ]

    def __str__(self) -> str:
        return f"token of {'person ' + str(self.person_id) if self.person_id else self.call_id}"


# django-guardian with direct foreign keys: "cases my organisation may see" is one indexed
# join, and permissions are deleted with their case.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
