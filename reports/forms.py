from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .selectors import Filters


class FilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Registered until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(label=_("Country of exploitation"), required=False, choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("All countries")), *countries]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return data

    def filters(self, today: date | None = None) -> Filters:
        """The filters asked for; the default (last 12 months, all countries) for any field
        left empty or invalid."""
        default = Filters.default(today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            date_from=data.get("date_from") or default.date_from,
            date_to=data.get("date_to") or default.date_to,
            country=data.get("country") or "",
        )
