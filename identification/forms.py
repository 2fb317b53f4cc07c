"""Forms of identification. Limits come from the models (one declaration per limit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.vocab import TraffickingStatus
from config.dates import PAST_EVENT

from . import gazetteer
from .indicators import HELP, QUESTIONS, Answer
from .models import REASON_MAX, IndicatorAnswer, Interview, TraffickingEvent

NOTE_MAX = IndicatorAnswer._meta.get_field("evidence").max_length


class PlaceField(forms.CharField):
    """A place typed as a name in any script, resolved through the gazetteer; an unknown
    name is refused with the nearest names."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", gazetteer.MAX_QUERY)
        kwargs.setdefault(
            "help_text",
            _("A port, border crossing, province or country, in any language or script."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "places", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "display_name"):
            return value.name
        return value

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        try:
            return gazetteer.resolve(value)
        except gazetteer.UnknownPlace as e:
            raise forms.ValidationError(e.message, code="unknown_place") from None


def answer_field_name(set_code: str, code: str) -> str:
    return f"{set_code}__{code}"


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the interview"),
        validators=[PAST_EVENT],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = PlaceField(label=_("Where the interview took place"), required=False)
    interpreter_name = forms.CharField(
        label=Interview._meta.get_field("interpreter_name").verbose_name,
        max_length=Interview._meta.get_field("interpreter_name").max_length,
        required=False,
    )
    interpreter_language = forms.ChoiceField(
        label=Interview._meta.get_field("interpreter_language").verbose_name,
        choices=[("", "—"), *settings.LANGUAGES],
        required=False,
    )
    consented_to_interview = forms.BooleanField(
        label=_("The person agreed to be interviewed"), required=False
    )
    support_person_present = forms.BooleanField(
        label=_("A support person was present"), required=False
    )
    means_required = forms.NullBooleanField(
        label=_("The means must be shown"),
        help_text=Interview._meta.get_field("means_required").help_text,
        required=False,
        widget=forms.NullBooleanSelect,
    )
    notes = forms.CharField(
        label=_("Interview notes"),
        max_length=Interview._meta.get_field("notes").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, can_view_identity: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["means_required"].widget.choices = [
            ("unknown", _("From the person's age")),
            ("true", pgettext_lazy("answer", "Yes")),
            ("false", pgettext_lazy("answer", "No")),
        ]
        self.sets: dict[str, list[tuple[str, str]]] = {}
        for set_code, vocab in QUESTIONS.items():
            names = []
            for code, label in vocab.choices:
                name = answer_field_name(set_code, code)
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    help_text=HELP.get(code, ""),
                    choices=Answer.choices,
                    required=False,  # every question may be skipped
                    widget=forms.RadioSelect,
                )
                names.append((name, ""))
                if can_view_identity:
                    self.fields[name + "__evidence"] = forms.CharField(
                        label=_("Evidence note"),
                        max_length=NOTE_MAX,
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 1}),
                    )
                    names[-1] = (name, name + "__evidence")
            self.sets[set_code] = names
        if not can_view_identity:
            for name in ("interpreter_name", "notes"):
                self.fields.pop(name)

    def question_rows(self, set_code: str) -> list[tuple[Any, Any]]:
        return [
            (self[name], self[evidence] if evidence else None)
            for name, evidence in self.sets[set_code]
        ]

    def interview_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {
            k: data[k]
            for k in (
                "held_on",
                "place",
                "interpreter_language",
                "consented_to_interview",
                "support_person_present",
                "means_required",
            )
        }
        for k in ("interpreter_name", "notes"):
            if k in self.fields:
                out[k] = data[k]
        return out

    def answers(self) -> dict[str, dict[str, tuple[str, str]]]:
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for set_code, names in self.sets.items():
            items = {}
            for name, evidence in names:
                answer = self.cleaned_data.get(name)
                if answer:
                    code = name.split("__", 1)[1]
                    items[code] = (answer, self.cleaned_data.get(evidence, "") if evidence else "")
            out[set_code] = items
        return out

    @staticmethod
    def initial_for(interview: Interview) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "held_on": interview.held_on,
            "place": interview.place.name if interview.place else "",
            "interpreter_name": interview.interpreter_name,
            "interpreter_language": interview.interpreter_language,
            "consented_to_interview": interview.consented_to_interview,
            "support_person_present": interview.support_person_present,
            "means_required": interview.means_required,
            "notes": interview.notes,
        }
        for a in interview.answers.all():
            name = answer_field_name(a.set, a.code)
            initial[name] = a.answer
            initial[name + "__evidence"] = a.evidence
        return initial


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Trafficking status"), choices=TraffickingStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why, from the interview: what a reviewer needs to understand the decision."),
    )


class EventForm(forms.ModelForm):
    place = PlaceField(label=_("Place"))

    class Meta:
        model = TraffickingEvent
        fields = [
            "stage",
            "place",
            "started_on",
            "ended_on",
            "period",
            "recruitment_method",
            "recruitment_app",
            "debt_amount",
            "debt_currency",
            "industry",
            "workplace",
        ]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, can_view_identity: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.place_id and not self.is_bound:
            self.initial["place"] = self.instance.place.name
        if not can_view_identity:
            self.fields.pop("workplace")

    def _post_clean(self) -> None:
        # The service validates the model (full_clean) once; the form checks fields only.
        pass

    def event_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.fields}
