"""Forms of the reintegration pages. Limits come from the models; writes go through the
services, which check everything again (the API calls the same services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases import access
from cases.models import Case
from config.dates import PAST_EVENT
from config.formtools import max_length_of
from partners.models import Organization, User
from referrals.models import Referral, ReferralStatus
from textutils.zawgyi import ZawgyiCheckMixin

from .models import OUTCOMES, FollowUp, ServiceOffer, ServiceRecord, Transfer
from .vocab import NeedStatus, ServiceType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def _yes_no(label: Any, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        required=required,
        coerce=lambda v: v == "true",
        empty_value=None,
    )


class NeedsForm(forms.Form):
    """The needs assessment: for each kind of need, its status (blank: not a need) and the
    organisation meeting it."""

    def __init__(self, *args, needs: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.filter(is_active=True).order_by("name")
        for kind in ServiceType:
            need = needs.get(kind.value)
            self.fields[f"status_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=[("", _("Not a need")), *NeedStatus.choices],
                required=False,
                initial=need.status if need else "",
            )
            self.fields[f"org_{kind.value}"] = forms.ModelChoiceField(
                label=_("Organisation meeting it"),
                queryset=orgs,
                required=False,
                initial=need.organization_id if need else None,
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"status_{k.value}"], self[f"org_{k.value}"]) for k in ServiceType]


def _referral_label(referral: Referral) -> str:
    return f"{referral.get_service_display()} · {referral.to_organization}"


class ServiceForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = ServiceRecord
        fields = [
            "type",
            "provider",
            "referral",
            "status",
            "started_on",
            "ended_on",
            "amount",
            "currency",
            "schedule",
            "place",
            "note",
        ]
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
            "currency": forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
        }

    def __init__(self, *args, case: Case, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        owner = user.organization_id == case.owner_organization_id
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Organization.objects.filter(is_active=True)
        if not owner:
            provider.queryset = provider.queryset.filter(pk=user.organization_id or 0)
        provider.initial = user.organization_id
        referral = self.fields["referral"]
        assert isinstance(referral, forms.ModelChoiceField)
        referrals = Referral.objects.filter(
            case=case, status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]
        ).select_related("to_organization")
        if not owner:
            referrals = referrals.filter(to_organization_id=user.organization_id)
        referral.queryset = referrals
        referral.label_from_instance = _referral_label  # type: ignore[method-assign,assignment]
        self.fields["amount"].help_text = _("For a micro-loan or a livelihood grant.")


class ServiceUpdateForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = ServiceRecord
        fields = ["status", "ended_on", "note"]
        widgets = {"ended_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, validators=[PAST_EVENT])
    amount = forms.DecimalField(
        label=_("Amount repaid"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class StartForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Day the person returned home"), widget=DATE, validators=[PAST_EVENT]
    )


class FollowUpForm(ZawgyiCheckMixin, forms.ModelForm):
    reached = _yes_no(_("Person reached"), required=True)
    safe = _yes_no(_("Safe"))
    with_family = _yes_no(_("Living with family"))
    working = _yes_no(_("Working"))
    in_debt = _yes_no(_("In debt"))
    in_school = _yes_no(_("In school or training"))
    re_migrated = _yes_no(_("Migrated again"))
    re_trafficked = _yes_no(_("Trafficked again"))
    satisfied = _yes_no(_("Satisfied with the services"))
    wants_support = _yes_no(_("Wants more support"))
    new_case_reference = forms.CharField(
        label=_("Reference of the new case"),
        required=False,
        max_length=40,
        help_text=_("If a new case was opened for the person."),
    )

    class Meta:
        model = FollowUp
        fields = [
            "held_on",
            "method",
            "reached",
            # The new case is typed as its reference (new_case_reference, below).
            *(name for name in OUTCOMES if name != "new_case"),
            "place",
            "note",
        ]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["held_on"].required = True
        self.fields["method"].required = True
        if self.instance.new_case_id:
            self.fields["new_case_reference"].initial = self.instance.new_case.reference

    def clean_new_case_reference(self):
        reference = self.cleaned_data["new_case_reference"].strip().upper()
        if not reference:
            return None
        found = access.cases_visible_to(self.user).filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError(_("No case with this reference that you can see."))
        return found

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "new_case_reference"}
        data["new_case"] = self.cleaned_data.get("new_case_reference")
        return data


class TransferForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["to_organization", "reason", "keep_read"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(is_active=True).exclude(
            pk=case.owner_organization_id
        )


class DeclineForm(ZawgyiCheckMixin, forms.Form):
    decline_reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=max_length_of(Transfer, "decline_reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def parse_areas(text: str) -> list[tuple[str, str]]:
    """ "KH, KH-12, LA-VT" → [(KH, ""), (KH, KH-12), (LA, LA-VT)]."""
    out = []
    for part in text.replace("\n", ",").split(","):
        code = part.strip().upper()
        if not code:
            continue
        out.append((code.split("-", 1)[0], code if "-" in code else ""))
    return out


class OfferForm(ZawgyiCheckMixin, forms.ModelForm):
    areas = forms.CharField(
        label=_("Where"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Country codes for a whole country (KH), or ISO 3166-2 province codes (KH-12), "
            "separated by commas."
        ),
    )

    class Meta:
        model = ServiceOffer
        fields = [
            "service",
            "for_sex",
            "age_min",
            "age_max",
            "languages",
            "beds_free",
            "how_to_refer",
        ]
        widgets = {"how_to_refer": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beds_free"].widget.attrs["min"] = 0
        if self.instance.pk:
            self.fields["areas"].initial = ", ".join(
                a.province or str(a.country) for a in self.instance.areas.all()
            )

    def clean_areas(self):
        areas = parse_areas(self.cleaned_data["areas"])
        for country, _province in areas:
            if country not in dict(countries):
                raise forms.ValidationError(
                    _("%(code)s is not a country code.") % {"code": country}
                )
        return areas


class BedsForm(forms.Form):
    beds_free = forms.IntegerField(
        label=_("Beds free now"),
        min_value=0,
        max_value=10_000,
        required=False,
        error_messages={"min_value": _("Beds free cannot be below zero.")},
    )


class DirectoryFilterForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service"), choices=[("", _("Any")), *ServiceType.choices], required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    province = forms.CharField(label=_("Province (ISO 3166-2)"), max_length=6, required=False)
    sex = forms.ChoiceField(
        label=_("For"),
        choices=[("", _("Anyone")), ("male", _("A man or boy")), ("female", _("A woman or girl"))],
        required=False,
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any")), *list(countries)]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "services": [d["service"]] if d["service"] else [],
            "country": d["country"],
            "province": d["province"].strip().upper() if d["country"] else "",
            "sex": d["sex"],
            "age": d["age"],
        }
