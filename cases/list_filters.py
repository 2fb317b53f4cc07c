"""Filters of a list page: a registry other apps add to, without editing the list's view.

The case list has one registry (``CASES``); the incoming referrals list has its own (see
referrals/list_filters.py). An app adds a filter in its AppConfig.ready():

    from cases import list_filters
    list_filters.CASES.register(
        "repatriation_step",                 # the query parameter
        _("Repatriation step"),              # its label (form field, active-filter chip)
        lambda: forms.ChoiceField(choices=[...], required=False),
        apply,                               # apply(queryset, value, user) -> queryset
        order=60,
    )

``apply`` must filter in the database (``filter()``, ``Exists``, subqueries) and may use
``user`` for what depends on who asks (e.g. "referrals my organisation sent"); it never widens
the queryset it is given, which the view has already scoped through cases.access. A field
whose value is a list (``MultipleChoiceField``) is a repeated parameter
(``status=open&status=active``): the case matches any of the values.

The page validates every parameter with its field: a bad value is reported by name, and the
filter is not applied (never a 500). Each applied value is shown as a chip with a link that
clears it and keeps the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from .widgets import QuickSelect, country_choices

# A blank field ("not recorded") is asked for with this value (the dashboard's links use it).
NOT_RECORDED = "none"

Apply = Callable[[QuerySet, Any, Any], QuerySet]
QS = TypeVar("QS", bound=QuerySet)


@dataclass(frozen=True)
class ListFilter:
    name: str
    label: Any
    field: Callable[[], forms.Field]
    apply: Apply
    order: int = 50
    # Shown at once in the filter form; the others are under "More filters".
    primary: bool = False


@dataclass(frozen=True)
class Active:
    """One applied value: "Status: Open", and the query string without it."""

    name: str
    label: Any
    text: str
    clear_query: str


def _empty(value: Any) -> bool:
    return value in (None, "", [], False)


def _choice_text(field: forms.Field, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if value is True:
        return gettext_now("Yes")
    for key, text in getattr(field, "choices", []):
        if isinstance(text, (list, tuple)):  # grouped choices
            for k, t in text:
                if str(k) == str(value):
                    return str(t)
        elif str(key) == str(value):
            return str(text)
    return str(value)


class Registry:
    def __init__(self) -> None:
        self._filters: dict[str, ListFilter] = {}

    def register(
        self,
        name: str,
        label: Any,
        field: Callable[[], forms.Field],
        apply: Apply,
        *,
        order: int = 50,
        primary: bool = False,
    ) -> None:
        """Add (or replace, by name) a filter. Lower ``order`` comes first in the form."""
        self._filters[name] = ListFilter(name, label, field, apply, order, primary)

    def unregister(self, name: str) -> None:
        self._filters.pop(name, None)

    def registered(self) -> list[ListFilter]:
        return sorted(self._filters.values(), key=lambda f: (f.order, f.name))

    def names(self) -> list[str]:
        return [f.name for f in self.registered()]

    def form(self, data: QueryDict | None) -> FilterForm:
        return FilterForm(self, data)


class FilterForm(forms.Form):
    """One field per registered filter, bound to the page's query string."""

    def __init__(self, registry: Registry, data: QueryDict | None) -> None:
        if data is not None:
            # An empty value ("status=" from an old link or a form's "Any") means no filter.
            data = data.copy()
            for key in list(data.keys()):
                data.setlist(key, [v for v in data.getlist(key) if v != ""])
        super().__init__(data)
        self.registry = registry
        self.filters = registry.registered()
        for f in self.filters:
            field = f.field()
            field.required = False
            field.label = f.label
            self.fields[f.name] = field
        self.query = data.copy() if data is not None else QueryDict(mutable=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end of the period must not be before its start."))
        return data

    def values(self) -> dict[str, Any]:
        """The valid, non-empty values by filter name (invalid ones are left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.fields and name not in self.errors and not _empty(value)
        }

    def apply(self, qs: QS, user: Any, *, skip: Iterable[str] = ()) -> QS:
        values = self.values()
        for f in self.filters:
            if f.name in values and f.name not in skip:
                qs = cast(QS, f.apply(qs, values[f.name], user))
        return qs

    def error_messages(self) -> list[str]:
        """One sentence per rejected filter: which filter, and why it was not applied."""
        if not self.is_bound:
            return []
        self.is_valid()
        messages = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            messages.append(
                gettext_now("The filter “%(filter)s” was not applied: %(error)s")
                % {"filter": label, "error": " ".join(str(e) for e in errors)}
            )
        return messages

    def active(self) -> list[Active]:
        chips = []
        values = self.values()
        for f in self.filters:
            if f.name not in values:
                continue
            value = values[f.name]
            field = self.fields[f.name]
            raw = self.query.getlist(f.name)
            for one in value if isinstance(value, list) else [value]:
                rest = self.query.copy()
                rest.pop("page", None)
                if isinstance(value, list):
                    rest.setlist(f.name, [v for v in raw if v != str(one)])
                else:
                    rest.pop(f.name, None)
                chips.append(Active(f.name, f.label, _choice_text(field, one), rest.urlencode()))
        return chips

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[f.name] for f in self.filters if f.primary]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[f.name] for f in self.filters if not f.primary]


# The case list's filters.
CASES = Registry()


# --- fields and filters every case list has ------------------------------------------------


def choice_field(choices: Iterable[tuple[str, Any]], *, blank: bool = False) -> forms.ChoiceField:
    extra = [(NOT_RECORDED, _("Not recorded"))] if blank else []
    return forms.ChoiceField(choices=[("", _("Any")), *choices, *extra], required=False)


def date_field() -> forms.DateField:
    return forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


def country_field() -> forms.ChoiceField:
    # Some 250 options on every list page: translated once per language, rendered in Python.
    field = choice_field(country_choices(), blank=True)
    # ChoiceField normalised them to a list of pairs (the stubs type the wider setter input).
    field.widget = QuickSelect(choices=cast("list[tuple[Any, Any]]", field.choices))
    field.error_messages["invalid_choice"] = _("Choose a country from the list.")
    return field


def blank_or(field: str) -> Apply:
    """``field = value``; the value ``none`` means the field was left blank."""

    def apply(qs: QuerySet, value: Any, user: Any) -> QuerySet:
        return qs.filter(**{field: "" if value == NOT_RECORDED else value})

    return apply


def register_core_filters() -> None:
    from .models import CaseExploitation, DistressCall
    from .vocab import CaseStatus, ExploitationType, Industry, Sex, Urgency

    CASES.register(
        "status",
        _("Status"),
        lambda: forms.MultipleChoiceField(
            choices=CaseStatus.choices, widget=forms.CheckboxSelectMultiple, required=False
        ),
        lambda qs, v, u: qs.filter(status__in=v),
        order=10,
        primary=True,
    )
    CASES.register(
        "urgency",
        _("Urgency"),
        lambda: choice_field(Urgency.choices),
        lambda qs, v, u: qs.filter(urgency=v),
        order=11,
        primary=True,
    )
    CASES.register(
        "exploitation",
        _("Exploitation"),
        lambda: choice_field(ExploitationType.choices),
        lambda qs, v, u: qs.filter(
            Exists(CaseExploitation.objects.filter(case=OuterRef("pk"), type=v))
        ),
        order=12,
        primary=True,
    )
    CASES.register(
        "country",
        _("Country of exploitation"),
        country_field,
        blank_or("country_of_exploitation"),
        order=13,
        primary=True,
    )
    CASES.register(
        "industry",
        _("Industry"),
        lambda: choice_field(Industry.choices, blank=True),
        blank_or("industry"),
        order=20,
    )
    CASES.register(
        "sex",
        _("Sex"),
        lambda: choice_field(Sex.choices),
        lambda qs, v, u: qs.filter(person__sex=v),
        order=21,
    )
    CASES.register(
        "created_from",
        _("Registered from"),
        date_field,
        lambda qs, v, u: qs.filter(created_at__date__gte=v),
        order=30,
    )
    CASES.register(
        "created_to",
        _("Registered until"),
        date_field,
        lambda qs, v, u: qs.filter(created_at__date__lte=v),
        order=31,
    )
    CASES.register(
        "call_from",
        _("With a call received from"),
        date_field,
        lambda qs, v, u: qs.filter(
            Exists(
                DistressCall.cases.through.objects.filter(
                    case_id=OuterRef("pk"), distresscall__received_at__date__gte=v
                )
            )
        ),
        order=32,
    )
