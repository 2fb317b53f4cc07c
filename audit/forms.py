from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class EventFilterForm(forms.Form):
    """Filters for an organisation's audit log; the user choices are that organisation's
    members only."""

    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.none(), required=False
    )
    record = forms.CharField(
        label=_("Record"),
        required=False,
        max_length=100,
        help_text=_("A case reference, a username or a record id."),
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any"))] + AuditAction.choices, required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(organization_id=organization_id).order_by("username")
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
