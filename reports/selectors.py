"""Reads for the dashboard and the export. Everything is scoped through cases.access and
aggregated in the database: each figure is one query, whatever the number of cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case as When_,  # noqa: N814  (Case is the model here)
)
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases import access
from cases.models import Case, CaseExploitation, DistressCall
from cases.vocab import CaseStatus, ExploitationType, Industry, Sex, Urgency

from . import figures
from .figures import Figure, Row

# Age at registration, in bands (CTDC publishes broad age bands, never an age or a birth date).
AGE_BANDS: list[tuple[str, int | None, int | None]] = [
    ("0-11", 0, 11),
    ("12-17", 12, 17),
    ("18-25", 18, 25),
    ("26-35", 26, 35),
    ("36-50", 36, 50),
    ("51+", 51, None),
]
AGE_UNKNOWN = "unknown"
AGE_BAND_VALUES = [b[0] for b in AGE_BANDS] + [AGE_UNKNOWN]

# In case-list links, a blank field ("not recorded") is asked for with this value.
NOT_RECORDED = "none"

OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]
CALLS_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: cases registered (created_at, local dates, inclusive) between
    ``date_from`` and ``date_to``, exploited in ``country`` (ISO code; "" = any)."""

    date_from: date
    date_to: date
    country: str = ""

    @classmethod
    def default(cls, today: date | None = None) -> Filters:
        today = today or timezone.localdate()
        return cls(date_from=today - timedelta(days=365), date_to=today)

    def case_q(self) -> Q:
        q = Q(created_at__date__gte=self.date_from, created_at__date__lte=self.date_to)
        if self.country:
            q &= Q(country_of_exploitation=self.country)
        return q

    def link_params(self) -> dict[str, str]:
        params = {
            "created_from": self.date_from.isoformat(),
            "created_to": self.date_to.isoformat(),
        }
        if self.country:
            params["country"] = self.country
        return params


def case_list_url(filters: Filters, **params: Any) -> str:
    """The case list filtered to what a number counts. Values may be lists (a repeated
    parameter: ``status=open&status=active``)."""
    query = {**filters.link_params(), **params}
    return reverse("cases:list") + "?" + urlencode(query, doseq=True)


def visible_cases(user: Any, filters: Filters | None = None) -> QuerySet[Case]:
    """The cases the user may see (their organisation's and those shared with it), narrowed by
    the dashboard's filters. A plain queryset (no per-row annotations) to aggregate over."""
    qs = Case.objects.filter(pk__in=access.cases_visible_to(user, access.VIEW).values("pk"))
    if filters is not None:
        qs = qs.filter(filters.case_q())
    return qs


def with_age_band(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``age_band``: age at registration from the date of birth when known (exact
    years, birthday counted), else the estimated age, else "unknown". Computed in the database
    with portable functions (PostgreSQL and the SQLite of `make run`)."""
    birthday_not_reached = Q(_reg_m__lt=F("_dob_m")) | Q(_reg_m=F("_dob_m"), _reg_d__lt=F("_dob_d"))
    qs = qs.alias(
        _reg_y=ExtractYear("created_at"),
        _reg_m=ExtractMonth("created_at"),
        _reg_d=ExtractDay("created_at"),
        _dob_y=ExtractYear("person__date_of_birth"),
        _dob_m=ExtractMonth("person__date_of_birth"),
        _dob_d=ExtractDay("person__date_of_birth"),
    ).alias(
        _age=Coalesce(
            ExpressionWrapper(
                F("_reg_y")
                - F("_dob_y")
                - When_(When(birthday_not_reached, then=Value(1)), default=Value(0)),
                output_field=IntegerField(),
            ),
            F("person__estimated_age"),
            output_field=IntegerField(),
        )
    )
    whens = [When(_age__isnull=True, then=Value(AGE_UNKNOWN))]
    for label, _low, high in AGE_BANDS:
        if high is not None:
            whens.append(When(_age__lte=high, then=Value(label)))
    return qs.annotate(age_band=When_(*whens, default=Value(AGE_BANDS[-1][0])))


def _counts(qs: QuerySet, key: str) -> dict[str, int]:
    """One GROUP BY query: {value of key: number of rows}."""
    return {
        row[key]: row["n"]
        for row in qs.order_by().values(key).annotate(n=Count("pk")).values(key, "n")
    }


def _vocab_rows(
    counts: dict[str, int], choices: list[tuple[str, Any]], url: Any, *, blank_label: Any = None
) -> list[Row]:
    """Every value of a vocabulary (zeros included: "0 women" is an answer), then the cases
    where the field was left blank, if any."""
    rows = [Row(label, counts.get(value, 0), url(value)) for value, label in choices]
    if blank_label is not None and counts.get("", 0):
        rows.append(Row(blank_label, counts[""], url(NOT_RECORDED)))
    return rows


def _period_note(filters: Filters) -> Any:
    return _("Cases registered from %(start)s to %(end)s.") % {
        "start": filters.date_from.isoformat(),
        "end": filters.date_to.isoformat(),
    }


# --- the figures ---------------------------------------------------------------------------


def open_by_status(user: Any, filters: Filters) -> Figure:
    counts = _counts(visible_cases(user, filters).filter(status__in=OPEN_STATUSES), "status")
    choices = [(v, label) for v, label in CaseStatus.choices if v in OPEN_STATUSES]
    return Figure(
        rows=_vocab_rows(counts, choices, lambda v: case_list_url(filters, status=v)),
        note=_period_note(filters),
        value_label=_("Cases"),
    )


def open_by_urgency(user: Any, filters: Filters) -> Figure:
    counts = _counts(visible_cases(user, filters).filter(status__in=OPEN_STATUSES), "urgency")
    return Figure(
        rows=_vocab_rows(
            counts,
            Urgency.choices,
            lambda v: case_list_url(filters, urgency=v, status=OPEN_STATUSES),
        ),
        note=_("Cases not closed. %(period)s") % {"period": _period_note(filters)},
        value_label=_("Cases"),
    )


def calls_this_week(user: Any, filters: Filters) -> Figure:
    """Calls received in the last 7 days that the organisation logged or that are linked to a
    case it may see. Not narrowed by the period (the window is the week); narrowed by country
    through the country the call reported."""
    since = timezone.now() - CALLS_WINDOW
    linked = DistressCall.cases.through.objects.filter(
        distresscall_id=OuterRef("pk"), case_id__in=visible_cases(user).values("pk")
    )
    calls = DistressCall.objects.filter(received_at__gte=since).filter(
        Q(organization_id=user.organization_id) | Q(Exists(linked))
    )
    if filters.country:
        calls = calls.filter(reported_country=filters.country)
    n = calls.count()
    params: dict[str, Any] = {"call_from": timezone.localdate(since).isoformat()}
    if filters.country:
        params["country"] = filters.country
    url = reverse("cases:list") + "?" + urlencode(params)
    return Figure(
        rows=[Row(_("Calls in the last 7 days"), n, url)],
        note=_("Distress calls your organisation logged or linked to cases it can see."),
        value_label=_("Calls"),
        chart=False,
    )


def by_exploitation(user: Any, filters: Filters) -> Figure:
    counts = {
        row["type"]: row["n"]
        for row in CaseExploitation.objects.filter(
            case_id__in=visible_cases(user, filters).values("pk")
        )
        .order_by()
        .values("type")
        .annotate(n=Count("case_id", distinct=True))
        .values("type", "n")
    }
    return Figure(
        rows=_vocab_rows(
            counts, ExploitationType.choices, lambda v: case_list_url(filters, exploitation=v)
        ),
        note=_("A case may have several types. %(period)s") % {"period": _period_note(filters)},
        value_label=_("Cases"),
    )


def by_industry(user: Any, filters: Filters) -> Figure:
    counts = _counts(visible_cases(user, filters), "industry")
    # ISIC has 21 sections and Homeward's finer codes: only the industries with cases.
    return Figure(
        rows=_vocab_rows(
            counts,
            [(v, label) for v, label in Industry.choices if counts.get(v)],
            lambda v: case_list_url(filters, industry=v),
            blank_label=_("Not recorded"),
        ),
        note=_period_note(filters),
        value_label=_("Cases"),
    )


def by_sex(user: Any, filters: Filters) -> Figure:
    counts = _counts(visible_cases(user, filters), "person__sex")
    return Figure(
        rows=_vocab_rows(counts, Sex.choices, lambda v: case_list_url(filters, sex=v)),
        note=_period_note(filters),
        value_label=_("Cases"),
    )


AGE_BAND_LABELS = {
    "0-11": _("0–11 years"),
    "12-17": _("12–17 years"),
    "18-25": _("18–25 years"),
    "26-35": _("26–35 years"),
    "36-50": _("36–50 years"),
    "51+": _("51 years and over"),
    AGE_UNKNOWN: _("Age unknown"),
}


def by_age_band(user: Any, filters: Filters) -> Figure:
    counts = _counts(with_age_band(visible_cases(user, filters)), "age_band")
    choices = [(b, AGE_BAND_LABELS[b]) for b in AGE_BAND_VALUES]
    return Figure(
        rows=_vocab_rows(counts, choices, lambda v: case_list_url(filters, age_band=v)),
        note=_("Age when the case was registered. %(period)s") % {"period": _period_note(filters)},
        value_label=_("Cases"),
    )


def by_country(user: Any, filters: Filters) -> Figure:
    counts = _counts(visible_cases(user, filters), "country_of_exploitation")
    rows = [
        Row(countries.name(code) or code, n, case_list_url(filters, country=code))
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if code
    ]
    if counts.get(""):
        rows.append(
            Row(_("Not recorded"), counts[""], case_list_url(filters, country=NOT_RECORDED))
        )
    return Figure(rows=rows, note=_period_note(filters), value_label=_("Cases"))


def register_core_figures() -> None:
    """The case- and call-based figures. Referral figures belong at order 30-39, repatriation
    figures at 40-49 (see docs/reporting.md)."""
    figures.register("open_by_status", _("Open cases by status"), open_by_status, order=10)
    figures.register("open_by_urgency", _("Open cases by urgency"), open_by_urgency, order=11)
    figures.register("calls_this_week", _("New distress calls this week"), calls_this_week, 20)
    figures.register("by_exploitation", _("Cases by type of exploitation"), by_exploitation, 50)
    figures.register("by_industry", _("Cases by industry"), by_industry, order=51)
    figures.register("by_sex", _("Cases by sex"), by_sex, order=52)
    figures.register("by_age_band", _("Cases by age band"), by_age_band, order=53)
    figures.register("by_country", _("Cases by country of exploitation"), by_country, 54)


def dashboard(user: Any, filters: Filters | None = None) -> list[figures.Shown]:
    """Every figure of the dashboard, computed. Precondition: ``user`` has
    ``Right.SEE_DASHBOARD`` (partners.roles). The benchmark calls this at scale."""
    return figures.compute_all(user, filters or Filters.default())


def register_list_filters() -> None:
    """The case-list filter the age-band figure links to (the other parameters of the
    dashboard's links are core case-list filters)."""
    from django import forms

    from cases import list_filters

    list_filters.CASES.register(
        "age_band",
        _("Age band"),
        lambda: forms.ChoiceField(
            choices=[("", _("Any")), *[(b, AGE_BAND_LABELS[b]) for b in AGE_BAND_VALUES]],
            required=False,
        ),
        lambda qs, value, user: with_age_band(qs).filter(Q(age_band=value)),
        order=22,
    )
