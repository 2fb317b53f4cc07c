"""The outcome figures at small scale equal a hand count; small cells are suppressed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import consent_record
from partners.roles import Role
from reintegration import figures, followups
from reports.selectors import Filters
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

# (country of exploitation, industry, reached, safe, working, in debt, re-trafficked)
PEOPLE = [
    ("TH", "03", True, True, True, False, False),
    ("TH", "03", True, True, False, True, False),
    ("TH", "03", True, False, False, True, True),
    ("MY", "C", True, True, True, False, False),
    ("MY", "C", False, None, None, None, None),
]


@pytest.fixture
def scene(db):
    org = OrganizationFactory(name="Home NGO", code="home", country="KH")
    coordinator = UserFactory(username="co", organization=org, role=Role.COORDINATOR)
    returned = timezone.localdate() - timedelta(days=380)
    for country, industry, reached, safe, working, debt, again in PEOPLE:
        case = make_case(
            org,
            by=coordinator,
            person=PersonFactory.build(),
            country_of_exploitation=country,
            industry=industry,
        )
        consent_record(
            case=case, by=coordinator, purpose="statistics", granted=True, method="verbal"
        )
        followups.reintegration_start(case=case, by=coordinator, returned_on=returned)
        fu = case.follow_ups.get(months=12)
        followups.follow_up_record(
            follow_up=fu,
            by=coordinator,
            held_on=timezone.localdate(),
            method="visit",
            reached=reached,
            safe=safe,
            working=working,
            in_debt=debt,
            re_trafficked=again,
        )
    return coordinator


def rows(figure):
    return [(str(r.label), r.value) for r in figure.rows]


def test_follow_up_counts(scene):
    f = figures.follow_up_status(scene, Filters.default())
    # Five people: the 3- and 6-month ones are long overdue, the 12-month ones done.
    assert rows(f) == [("Due now", 0), ("Done", 5), ("Overdue", 10), ("Not yet due", 0)]


def test_shares_at_12_months_equal_a_hand_count(scene, settings):
    settings.REPORTS_MIN_CELL = 2
    f = figures.outcomes_at_12(scene, Filters.default())
    # Four reached: safe 3, working 2, out of debt 2, re-trafficked 1.
    assert rows(f) == [
        ("Safe", 75),
        ("Working", 50),
        ("Out of debt", 50),
        ("Trafficked again", 25),
    ]
    assert "4 people reached" in str(f.note)


def test_by_route_and_organisation_with_small_cells_pooled(scene, settings):
    settings.REPORTS_MIN_CELL = 2
    route = rows(figures.by_route(scene, Filters.default()))
    # Thailand · fishing: 3 reached; Malaysia · manufacturing: 1 (under k): pooled, and the
    # pool of 1 is under k too, so it is left out and said so.
    assert len(route) == 1
    label, value = route[0]
    assert value == 3
    assert label.startswith("Thailand · ")
    assert "Safe 67% · Working 33% · Out of debt 33% · Trafficked again 33%" in label
    org = rows(figures.by_organization(scene, Filters.default()))
    assert org == [("Home NGO: Safe 75% · Working 50% · Out of debt 50% · Trafficked again 25%", 4)]


def test_below_k_nothing_is_shown(scene, settings):
    settings.REPORTS_MIN_CELL = 5
    f = figures.outcomes_at_12(scene, Filters.default())
    assert f.rows == [] and "Fewer than 5 people" in str(f.note)
    route = figures.by_route(scene, Filters.default())
    assert route.rows == [] and "4 people in groups of fewer than 5" in str(route.note)


def test_the_dashboard_shows_them(client, scene, settings):
    settings.REPORTS_MIN_CELL = 2
    client.force_login(scene)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "Follow-ups after the return" in page and "At 12 months" in page
