"""Each dashboard figure against a hand-built set of cases and calls."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cases import access
from cases.models import DistressCall
from cases.vocab import (
    CallChannel,
    CallerRelation,
    CaseStatus,
    ExploitationType,
    Industry,
    Sex,
    Urgency,
)
from reports import figures, selectors
from reports.figures import Figure, Row, chart_for, median_days
from reports.selectors import Filters

from .conftest import birthday_not_reached, build_case

pytestmark = pytest.mark.django_db


def values(figure: Figure) -> dict[str, int | float]:
    return {str(r.label): r.value for r in figure.rows}


def query(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.path == "/cases/"
    return parse_qs(parts.query)


@pytest.fixture
def dataset(org, other_org, caseworker, other_caseworker):
    """Four cases of the organisation in the period, one too old, one of another organisation
    and one of another organisation shared with ours (view only)."""
    now = timezone.now()
    registered = now - timedelta(days=10)
    build_case(
        org,
        caseworker,
        sex=Sex.MALE,
        age=16,
        status=CaseStatus.OPEN,
        urgency=Urgency.IMMEDIATE,
        industry=Industry.FISHING,
        country_of_exploitation="MY",
        exploitation=[ExploitationType.FORCED_LABOUR, ExploitationType.CHILD_LABOUR],
        created_at=registered,
    )
    build_case(
        org,
        caseworker,
        sex=Sex.FEMALE,
        age=None,
        # 25 at registration, though the years differ by 26.
        dob=birthday_not_reached(timezone.localdate(registered), 25),
        status=CaseStatus.ACTIVE,
        urgency=Urgency.URGENT,
        industry=Industry.DOMESTIC_WORK,
        country_of_exploitation="TH",
        exploitation=[ExploitationType.SEXUAL],
        created_at=registered,
    )
    build_case(
        org,
        caseworker,
        sex=Sex.MALE,
        age=None,
        status=CaseStatus.CLOSED,
        urgency=Urgency.ROUTINE,
        exploitation=[ExploitationType.FORCED_LABOUR],
        created_at=registered,
    )
    build_case(
        org,
        caseworker,
        sex=Sex.OTHER,
        age=60,
        status=CaseStatus.IN_REPATRIATION,
        urgency=Urgency.IMMEDIATE,
        industry=Industry.CONSTRUCTION,
        country_of_exploitation="MY",
        created_at=registered,
    )
    # Registered before the period: counted nowhere.
    build_case(
        org,
        caseworker,
        sex=Sex.FEMALE,
        age=40,
        industry=Industry.FISHING,
        country_of_exploitation="MY",
        exploitation=[ExploitationType.FORCED_LABOUR],
        created_at=now - timedelta(days=800),
    )
    # Another organisation's case: invisible, not counted.
    build_case(
        other_org,
        other_caseworker,
        sex=Sex.FEMALE,
        age=20,
        industry=Industry.FISHING,
        country_of_exploitation="MY",
        exploitation=[ExploitationType.FORCED_LABOUR],
        created_at=registered,
    )
    # Another organisation's case shared with ours: counted.
    shared = build_case(
        other_org,
        other_caseworker,
        sex=Sex.MALE,
        age=35,
        status=CaseStatus.ACTIVE,
        urgency=Urgency.ROUTINE,
        industry=Industry.FISHING,
        country_of_exploitation="ID",
        exploitation=[ExploitationType.FORCED_LABOUR],
        created_at=registered,
    )
    access.grant(shared, org, [access.VIEW])
    return shared


def test_open_cases_by_status(coordinator, dataset):
    figure = selectors.open_by_status(coordinator, Filters.default())
    assert values(figure) == {"Open": 1, "Active": 2, "In repatriation": 1, "In reintegration": 0}
    active = next(r for r in figure.rows if str(r.label) == "Active")
    q = query(active.url)
    assert q["status"] == ["active"]
    assert q["created_from"] and q["created_to"]


def test_open_cases_by_urgency_leave_closed_cases_out(coordinator, dataset):
    figure = selectors.open_by_urgency(coordinator, Filters.default())
    assert values(figure) == {"Immediate danger": 2, "Urgent": 1, "Routine": 1}
    q = query(figure.rows[0].url)
    assert q["urgency"] == ["immediate"]
    assert sorted(q["status"]) == sorted(selectors.OPEN_STATUSES)


def test_cases_by_exploitation_count_each_type_of_a_case(coordinator, dataset):
    figure = selectors.by_exploitation(coordinator, Filters.default())
    got = values(figure)
    assert got["Forced labour"] == 3  # own two in period + the shared one
    assert got["Child labour"] == 1
    assert got["Sexual exploitation"] == 1
    assert got["Forced marriage"] == 0
    assert query(figure.rows[0].url)["exploitation"] == ["forced_labour"]


def test_cases_by_industry_with_not_recorded(coordinator, dataset):
    figure = selectors.by_industry(coordinator, Filters.default())
    got = values(figure)
    assert got["Fishing and aquaculture"] == 2
    assert got["Domestic work (households as employers of domestic personnel)"] == 1
    assert got["Construction"] == 1
    assert got["Not recorded"] == 1
    assert "Mining and quarrying" not in got  # ISIC sections without cases are left out
    assert query(figure.rows[-1].url)["industry"] == ["none"]


def test_cases_by_sex_counts_men_and_boys(coordinator, dataset):
    figure = selectors.by_sex(coordinator, Filters.default())
    assert values(figure) == {"Male": 3, "Female": 1, "Other": 1, "Unknown": 0}
    assert query(figure.rows[0].url)["sex"] == ["male"]


def test_cases_by_age_band_from_birth_date_or_estimate(coordinator, dataset):
    figure = selectors.by_age_band(coordinator, Filters.default())
    assert values(figure) == {
        "0–11 years": 0,
        "12–17 years": 1,
        "18–25 years": 1,  # from the date of birth, birthday not yet reached
        "26–35 years": 1,
        "36–50 years": 0,
        "51 years and over": 1,
        "Age unknown": 1,
    }
    assert query(figure.rows[1].url)["age_band"] == ["12-17"]


def test_cases_by_country_of_exploitation(coordinator, dataset):
    figure = selectors.by_country(coordinator, Filters.default())
    assert values(figure) == {"Malaysia": 2, "Indonesia": 1, "Thailand": 1, "Not recorded": 1}
    assert query(figure.rows[0].url)["country"] == ["MY"]


def test_country_filter_narrows_every_case_figure(coordinator, dataset):
    filters = Filters(
        date_from=Filters.default().date_from, date_to=timezone.localdate(), country="MY"
    )
    assert values(selectors.by_sex(coordinator, filters)) == {
        "Male": 1,
        "Female": 0,
        "Other": 1,
        "Unknown": 0,
    }
    row = selectors.by_sex(coordinator, filters).rows[0]
    assert query(row.url)["country"] == ["MY"]


def test_period_filter_includes_older_cases_when_asked(coordinator, dataset):
    today = timezone.localdate()
    filters = Filters(date_from=today - timedelta(days=1000), date_to=today)
    assert values(selectors.by_sex(coordinator, filters))["Female"] == 2


def test_new_calls_this_week(coordinator, org, other_org, dataset):
    now = timezone.now()

    def call(organization, days_ago, cases=(), country=""):
        c = DistressCall.objects.create(
            organization=organization,
            received_at=now - timedelta(days=days_ago),
            channel=CallChannel.HOTLINE,
            caller_relation=CallerRelation.FAMILY,
            summary="Test call",
            urgency=Urgency.URGENT,
            reported_country=country,
        )
        c.cases.set(cases)
        return c

    call(org, 1, country="MY")  # ours, no case yet: counted
    call(other_org, 2, cases=[dataset], country="ID")  # linked to the shared case: counted
    invisible = selectors.Case.objects.filter(owner_organization=other_org).exclude(pk=dataset.pk)
    call(other_org, 2, cases=list(invisible))  # linked only to what we cannot see
    call(org, 8)  # last week
    figure = selectors.calls_this_week(coordinator, Filters.default())
    assert [r.value for r in figure.rows] == [2]
    assert "call_from" in query(figure.rows[0].url)
    only_my = Filters(Filters.default().date_from, timezone.localdate(), country="MY")
    assert selectors.calls_this_week(coordinator, only_my).rows[0].value == 1


def test_dashboard_lists_every_core_figure_in_order(coordinator, dataset):
    names = [s.name for s in selectors.dashboard(coordinator, Filters.default())]
    assert names == [
        "open_by_status",
        "open_by_urgency",
        "calls_this_week",
        "referrals_waiting",
        "repatriation_by_step",
        "repatriation_blocked",
        # "repatriation_median_days" is left out: nobody has returned home in this data set.
        "by_exploitation",
        "by_industry",
        "by_sex",
        "by_age_band",
        "by_country",
    ]


def test_registered_figure_is_shown_and_none_is_left_out(coordinator):
    def waiting(user, filters):
        return Figure(rows=[Row("Sent", 3, "/cases/?x=1"), Row("Received", 1, None)])

    figures.register("test_waiting", "Referrals awaiting a response", waiting, order=30)
    figures.register("test_nothing", "Nothing", lambda user, filters: None, order=31)
    try:
        shown = {s.name: s for s in selectors.dashboard(coordinator, Filters.default())}
    finally:
        figures.unregister("test_waiting")
        figures.unregister("test_nothing")
    assert "test_nothing" not in shown
    assert [b.value for b in shown["test_waiting"].chart.bars] == [3, 1]


def test_chart_scales_bars_to_the_largest_value():
    chart = chart_for(Figure(rows=[Row("a", 10), Row("b", 5), Row("c", 0), Row("d", 0.01)]))
    widths = [b.width for b in chart.bars]
    assert widths[0] == figures.CHART_WIDTH - figures.VALUE_ROOM
    assert widths[1] == widths[0] // 2
    assert widths[2] == 0
    assert widths[3] == 2  # a non-zero value stays visible
    assert chart.height == 4 * figures.ROW_HEIGHT
    assert chart.bars[1].bar_y == figures.ROW_HEIGHT + figures.LABEL_HEIGHT


def test_chart_of_only_zeros_does_not_divide_by_zero():
    assert [b.width for b in chart_for(Figure(rows=[Row("a", 0)])).bars] == [0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], None),
        ([None, None], None),
        ([7], 7.0),
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([10, None, 20], 15.0),
        ([1.5, 2.5], 2.0),
    ],
)
def test_median_days(given, expected):
    assert median_days(given) == expected
