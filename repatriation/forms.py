from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import disclosure
from config.dates import FUTURE_PLAN
from config.formtools import HiddenErrorsMixin, VersionedFormMixin, VersionField, max_length_of
from partners.models import Organization, OrganizationKind
from textutils.zawgyi import ZawgyiCheckMixin

from .models import (
    PLAN_FIELDS,
    REASON_REQUIRED,
    STEP_FIELDS,
    RepatriationPlan,
    RepatriationStep,
    StepStatus,
    StepTemplate,
    StepTemplateItem,
)


class PlanForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = RepatriationPlan
        fields = [
            "current_country",
            "situation",
            "place",
            "home_country",
            "home_province",
            "embassy",
            "lead_organization",
            "target_return_date",
        ]
        widgets = {"target_return_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "place": _(
                "Shelter, detention centre or town. Only people who may see the "
                "person's identity see it."
            ),
        }

    def __init__(self, *args, can_view_identity: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        active = Organization.objects.filter(is_active=True)
        embassy = self.fields["embassy"]
        lead = self.fields["lead_organization"]
        assert isinstance(embassy, forms.ModelChoiceField)
        assert isinstance(lead, forms.ModelChoiceField)
        embassy.queryset = active.filter(kind=OrganizationKind.EMBASSY)
        lead.queryset = active
        # Not shown, not changeable: the place and the home province are identity.
        disclosure.restrict_form(self, PLAN_FIELDS, disclosure.Disclosure(can_view_identity))


class StepForm(HiddenErrorsMixin, ZawgyiCheckMixin, VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[FUTURE_PLAN],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=max_length_of(RepatriationStep, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Every partner on the case sees it: no names, phones or addresses."),
    )
    reason = forms.CharField(
        label=_("Reason (required when blocked or skipped)"),
        required=False,
        max_length=max_length_of(RepatriationStep, "reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField()
    # What the editor started from, signed (config.formtools): after a conflict only the
    # fields they changed keep their input.
    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, prefix_id: int, can_view_identity: bool = True, **kwargs):
        # Unique ids per step: many step forms share one page.
        kwargs["auto_id"] = f"step{prefix_id}-%s"
        super().__init__(*args, **kwargs)
        # The note and the reason are identity: not shown, not changeable without it.
        disclosure.restrict_form(self, STEP_FIELDS, disclosure.Disclosure(can_view_identity))

    def clean(self):
        data = super().clean()
        # Without view-identity the reason is not in the form (cases.disclosure): it keeps
        # its value and the service checks that one.
        reason_missing = "reason" in self.fields and not (data.get("reason") or "").strip()
        if data.get("status") in REASON_REQUIRED and reason_missing:
            self.add_error(
                "reason",
                _("Say why the step is %(status)s.") % {"status": StepStatus(data["status"]).label},
            )
        return data


class TemplateForm(ZawgyiCheckMixin, forms.ModelForm):
    class Meta:
        model = StepTemplate
        fields = ["name", "home_country", "current_country"]
        help_texts = {
            "home_country": _("Leave empty for any home country."),
            "current_country": _("Leave empty for any country."),
        }


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = StepTemplateItem
        fields = ["order", "kind", "responsible", "due_after_days"]


# A plain formset: the service rewrites the steps as a whole (see template_update), so the
# rows are not bound to existing items and reordering never conflicts with the saved ones.
StepItemFormSet = forms.formset_factory(
    TemplateItemForm, extra=1, can_delete=True, min_num=1, validate_min=True
)
