from django import forms
from django.utils.translation import gettext_lazy as _

from textutils.zawgyi import ZawgyiCheckMixin

from .models import ExportPurpose


class ExportRequestForm(ZawgyiCheckMixin, forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=ExportPurpose.choices, widget=forms.RadioSelect
    )
    purpose_other = forms.CharField(
        label=_("Other purpose"),
        max_length=200,
        required=False,
        help_text=_("Required when the purpose is “Other”. Do not write the person's name."),
    )

    def clean(self):
        data = super().clean()
        if data.get("purpose") == ExportPurpose.OTHER and not data.get("purpose_other", "").strip():
            self.add_error("purpose_other", _("Say what the summary is for."))
        return data
