"""Forms of the intake, case and note pages. Each field validates with its own message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from config.formtools import (
    HiddenErrorsMixin,
    VersionedFormMixin,
    VersionField,
    max_length_of,
    sign_snapshot,
    snapshot,
)
from partners.models import Organization, User
from partners.roles import Right, roles_with
from textutils.zawgyi import ZawgyiCheckMixin

from . import access, disclosure
from .models import Case, CaseNote, Consent, DistressCall, Person
from .services import ASSIGN_TO_OWNER, MAX_PERSONS_PER_CALL, TOO_MANY_PERSONS
from .vocab import (
    CaseStatus,
    DecisionOrgKind,
    ExploitationType,
    Industry,
    MeansOfControl,
    RecruiterRelation,
    SexExploitationType,
    TraffickingStatus,
    Urgency,
)

UNKNOWN_COUNTRY = _("Unknown country: choose one from the list.")
INVALID_PHONE = _("Enter a valid phone number, e.g. +60 12 345 6789.")
MAX_AGE = 120


def _country_messages(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].error_messages["invalid_choice"] = UNKNOWN_COUNTRY


def _phone_field(region: str | None, label, required: bool = False) -> PhoneNumberField:
    # The region lets a caseworker type a local number ("012 345 678"); it is stored E.164.
    return PhoneNumberField(
        region=region or None,
        required=required,
        label=label,
        error_messages={"invalid": INVALID_PHONE},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class DistressCallForm(ZawgyiCheckMixin, forms.ModelForm):
    """The call itself, the case facts every new case of the call shares, and optionally an
    existing case the call is about."""

    existing_reference = forms.CharField(
        label=_("About an existing case? Its reference"),
        required=False,
        help_text=_("Leave empty to open a case for each person below."),
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"),
        choices=MeansOfControl.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DistressCall
        fields = [
            "received_at",
            "channel",
            "urgency",
            "caller_name",
            "caller_relation",
            "caller_phone",
            "callback_notes",
            "language",
            "reported_country",
            "reported_place",
            "reported_port",
            "vessel",
            "employer",
            "summary",
        ]
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        region = str(user.organization.country) if user.organization else None
        self.fields["caller_phone"] = _phone_field(region, _("Caller phone"))
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        for name in ("channel", "caller_relation", "urgency"):
            self.fields[name].choices = [("", "—"), *self.fields[name].choices[1:]]  # type: ignore[attr-defined]
        _country_messages(self, "reported_country")
        self.existing_case: Case | None = None

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The call cannot have been received in the future."))
        return value

    def clean_existing_reference(self):
        ref = self.cleaned_data["existing_reference"].strip()
        if not ref:
            return ""
        # Only cases the user may change; anything else reads as unknown (no leak).
        case = access.cases_visible_to(self.user, access.CHANGE).filter(reference=ref).first()
        if case is None:
            raise forms.ValidationError(_("No case with this reference that you may change."))
        self.existing_case = case
        return ref

    def case_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "industry": data.get("industry") or "",
            "means_of_control": list(data.get("means_of_control") or []),
            "country_of_exploitation": data.get("reported_country") or "",
        }


class PersonIntakeForm(ZawgyiCheckMixin, forms.ModelForm):
    """One person named in the call. ``link_case`` is set when the caseworker chose, after
    the duplicate warning, to attach the call to an existing case instead."""

    link_case = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "given_name_latin",
            "family_name_latin",
            "sex",
            "date_of_birth",
            "estimated_age",
            "nationality",
            "stateless",
            "phone",
        ]
        widgets: dict[str, forms.Widget] = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }

    def __init__(self, *args, region: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"] = _phone_field(region, _("Phone"))
        # Sex is asked, never assumed: the empty choice comes first and is not valid.
        self.fields["sex"].choices = [("", "—"), *self.fields["sex"].choices[1:]]  # type: ignore[attr-defined]
        self.fields["estimated_age"].max_value = MAX_AGE  # type: ignore[attr-defined]
        self.fields["estimated_age"].error_messages["max_value"] = _(
            "An age over 120 years is not plausible."
        )
        self.fields["estimated_age"].validators = []
        self.fields["estimated_age"].widget.attrs.update({"min": 0, "max": MAX_AGE})
        _country_messages(self, "nationality")

    def clean_estimated_age(self):
        age = self.cleaned_data.get("estimated_age")
        if age is not None and age > MAX_AGE:
            raise forms.ValidationError(_("An age over 120 years is not plausible."))
        return age

    def clean(self):
        data = super().clean()
        if data.get("stateless") and data.get("nationality"):
            self.add_error("nationality", _("A stateless person has no nationality."))
        return data


class BasePersonFormSet(forms.BaseFormSet):
    default_error_messages = {"too_many_forms": TOO_MANY_PERSONS}

    def __init__(self, *args, region: str | None = None, **kwargs):
        self.region = region
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"region": self.region}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            region=self.region,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


PersonFormSet = cast(
    type[BasePersonFormSet],
    formset_factory(
        PersonIntakeForm,
        formset=BasePersonFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=MAX_PERSONS_PER_CALL,  # the service refuses more, on every path
        validate_max=True,
    ),
)


# --- case edit ------------------------------------------------------------------------------


class CaseForm(HiddenErrorsMixin, ZawgyiCheckMixin, VersionedFormMixin, forms.ModelForm):
    """A case's facts. ``version`` and the signed ``original`` travel with the form so a
    save based on an outdated page is refused, with the differences shown."""

    version = VersionField()
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"),
        choices=MeansOfControl.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sex_exploitation_types = forms.MultipleChoiceField(
        label=_("Types of sexual exploitation"),
        choices=SexExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Case
        fields = [
            "status",
            "urgency",
            "trafficking_status",
            "trafficking_status_decided_by_org",
            "trafficking_status_decider_kind",
            "trafficking_status_decided_by",
            "trafficking_status_decided_at",
            "industry",
            "exploitation_started_on",
            "exploitation_ended_on",
            "recruiter_relation",
            "country_of_origin",
            "country_of_exploitation",
            "current_country",
            "current_place",
            "assigned_to",
        ]
        widgets = {
            "trafficking_status_decided_at": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
            "exploitation_started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "exploitation_ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user: User, perms: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        choices = {
            "status": CaseStatus.choices,
            "urgency": Urgency.choices,
            "trafficking_status": TraffickingStatus.choices,
            "recruiter_relation": [("", "—"), *RecruiterRelation.choices],
            "trafficking_status_decider_kind": [("", "—"), *DecisionOrgKind.choices],
        }
        for name, values in choices.items():
            self.fields[name].choices = values
        self.fields["trafficking_status_decided_by_org"].queryset = Organization.objects.filter(
            is_active=True
        ).order_by("name")
        self.fields["trafficking_status_decided_by"].label = _(
            "Identification decided by (if not an organisation listed)"
        )
        # The current place is identity (cases.disclosure): not shown, not changeable.
        disclosure.restrict_form(self, disclosure.CASE, disclosure.for_perms(perms))
        if access.ASSIGN in perms:
            # Only members of the owner organisation who may work on cases: a foreign user
            # id is not a valid choice, whatever the request says.
            self.fields["assigned_to"].queryset = User.objects.filter(
                organization_id=case.owner_organization_id,
                is_active=True,
                role__in=roles_with(Right.BE_ASSIGNED_CASES),
            ).order_by("first_name", "username")
            self.fields["assigned_to"].label_from_instance = lambda u: (
                u.get_full_name() or u.username
            )
            self.fields["assigned_to"].error_messages["invalid_choice"] = ASSIGN_TO_OWNER
        else:
            del self.fields["assigned_to"]
        _country_messages(self, "country_of_origin", "country_of_exploitation", "current_country")
        if not self.is_bound:
            self.initial["version"] = case.version
            self.initial["exploitation_types"] = case.exploitation_types
            self.initial["means_of_control"] = list(case.means_of_control)
            self.initial["sex_exploitation_types"] = list(case.sex_exploitation_types)
            self.initial["original"] = sign_snapshot(snapshot(case, self.tracked_fields()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("exploitation_started_on", "exploitation_ended_on"):
            day = data.get(name)
            if day and day > today:
                self.add_error(name, _("The date cannot be in the future."))
            elif day and day.year < 1950:
                self.add_error(name, _("Give a date after 1950."))
        start, end = data.get("exploitation_started_on"), data.get("exploitation_ended_on")
        if start and end and end < start and "exploitation_ended_on" not in self.errors:
            self.add_error("exploitation_ended_on", _("The end cannot be before the start."))
        return data

    def changes(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in ("version", "original", "exploitation_types")
        }


def display(form, name: str, value: Any) -> str:
    """A snapshot value of a case or person form in words (see config.formtools)."""
    if value in (None, "", []):
        return "—"
    field = form.fields[name]
    if name == "assigned_to":
        user = User.objects.filter(pk=value).first()
        return (user.get_full_name() or user.username) if user else "—"
    if name == "trafficking_status_decided_by_org":
        org = Organization.objects.filter(pk=value).first()
        return org.name if org else "—"
    if name.startswith("country") or name in ("current_country", "nationality"):
        return str(dict(countries).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value))


class PersonEditForm(HiddenErrorsMixin, VersionedFormMixin, PersonIntakeForm):
    """The person's identity and facts; locked on the case's version like the case form."""

    version = VersionField()
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta(PersonIntakeForm.Meta):
        fields = [
            *PersonIntakeForm.Meta.fields,
            "gender",
            "languages",
            "document_number",
            "family_contacts",
        ]
        widgets: dict[str, forms.Widget] = {
            **PersonIntakeForm.Meta.widgets,
            "family_contacts": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["link_case"]
        if not self.is_bound:
            self.initial["version"] = case.version
            self.initial["original"] = sign_snapshot(snapshot(self.instance, self.tracked_fields()))

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.tracked_fields()}


# --- notes and consent ----------------------------------------------------------------------


class NoteForm(ZawgyiCheckMixin, forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=max_length_of(CaseNote, "body"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The note cannot be empty.")},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("The note cannot be empty."))
        return body


class ConsentForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "granted", "method", "given_at", "note"]
        widgets = {
            "given_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["given_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["method"].choices = [("", "—"), *self.fields["method"].choices[1:]]

    def clean_given_at(self):
        value = self.cleaned_data["given_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("Consent cannot be given in the future."))
        return value


# --- case list ------------------------------------------------------------------------------

SEARCH_BY = [
    ("reference", _("Reference")),
    ("name", _("Name")),
    ("phone", _("Phone")),
]
SORT_CHOICES = [
    ("updated", _("Last updated")),
    ("created", _("Newest")),
    ("urgency", _("Urgency")),
    ("status", _("Status")),
    ("reference", _("Reference")),
]


class CaseListForm(forms.Form):
    """The case list's search, scope and order. Its filters (status, urgency, country…) are
    the registry's, ``cases.list_filters.CASES``: one description for the page, the API and
    the OpenAPI schema."""

    q = forms.CharField(label=_("Search"), required=False)
    by = forms.ChoiceField(label=_("Search by"), choices=SEARCH_BY, required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    group = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)


class AnonymiseForm(ZawgyiCheckMixin, forms.Form):
    """The right to erasure: the coordinator says why, and confirms."""

    reason = forms.CharField(
        label=_("Why is the case anonymised now?"),
        help_text=_(
            "For example: the person asked for their data to be erased. This is kept in the "
            "audit log: do not write the person's name or contacts here."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the case is anonymised now.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the person's identity, the notes and the free text of this "
            "case are removed for good and cannot be restored."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the case is anonymised now."))
        return reason
