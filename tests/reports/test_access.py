"""Who sees the dashboard and the export, and which cases they count."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases import access
from partners.roles import Role
from reports import selectors
from reports.selectors import Filters
from tests.factories import UserFactory

from .conftest import build_case

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
EXPORT = "/reports/export/"


def test_urls():
    assert reverse("reports:dashboard") == DASHBOARD
    assert reverse("reports:export") == EXPORT


def test_anonymous_is_sent_to_login(client):
    assert client.get(DASHBOARD)["Location"].startswith("/accounts/login/")
    assert client.post(EXPORT, {"format": "csv"})["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON, Role.ORG_ADMIN])
def test_only_coordinators_get_the_dashboard_and_export(client, org, case_in, role):
    user = UserFactory(username=f"u-{role}", organization=org, role=role)
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 403
    assert client.post(EXPORT, {"format": "csv"}).status_code == 403
    assert not AccessEvent.objects.filter(action="export_requested").exists()


def test_caseworker_has_no_dashboard_in_the_navigation(client, caseworker):
    client.force_login(caseworker)
    page = client.get("/").content.decode()
    assert 'href="/cases/"' in page
    assert 'href="/reports/"' not in page


def test_coordinator_has_the_dashboard_in_the_navigation(client, coordinator):
    client.force_login(coordinator)
    assert 'href="/reports/"' in client.get("/").content.decode()


def test_superuser_without_organisation_gets_403(client):
    admin = UserFactory(username="root", organization=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(DASHBOARD).status_code == 403


def test_coordinator_counts_own_and_shared_cases_only(
    coordinator, org, other_org, caseworker, other_caseworker
):
    build_case(org, caseworker)
    build_case(other_org, other_caseworker)  # another organisation's: not counted
    shared = build_case(other_org, other_caseworker)
    access.grant(shared, org, [access.VIEW])  # shared with a view grant: counted
    sexes = {str(r.label): r.value for r in selectors.by_sex(coordinator, Filters.default()).rows}
    assert sexes["Male"] == 2
    # and the other organisation's coordinator sees both of theirs, not ours
    other = UserFactory(username="c2", organization=other_org, role=Role.COORDINATOR)
    sexes = {str(r.label): r.value for r in selectors.by_sex(other, Filters.default()).rows}
    assert sexes["Male"] == 2
    access.revoke(shared, org, [access.VIEW])
    sexes = {str(r.label): r.value for r in selectors.by_sex(coordinator, Filters.default()).rows}
    assert sexes["Male"] == 1


def test_dashboard_page_renders_accessible_charts_without_style(client, coordinator, case_in):
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert 'aria-labelledby="fig-by_sex-svg"' in html
    assert '<title id="fig-by_sex-svg">' in html
    assert "<table" in html
    assert "style=" not in html
    # No executable inline script: only our static files, and JSON data blocks (json_script),
    # which the browser never runs.
    code = re.sub(r'<script id="[\w-]+" type="application/json">.*?</script>', "", html, flags=re.S)
    assert "<script>" not in code and "<script " not in code.replace('<script src="/static/', "")
    assert "/cases/?" in html and "sex=male" in html
    # no identity on the dashboard
    assert case_in.person.family_name_latin not in html
    assert case_in.reference not in html


def test_dashboard_filters_come_from_the_query_string(client, coordinator, caseworker, org):
    build_case(org, caseworker, country_of_exploitation="MY")
    build_case(org, caseworker, country_of_exploitation="TH")
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()
    response = client.get(DASHBOARD, {"date_from": "2020-01-01", "date_to": today, "country": "TH"})
    assert response.status_code == 200
    filters = response.context["filters"]
    assert filters.country == "TH"
    assert str(filters.date_from) == "2020-01-01"
    by_country = next(s for s in response.context["shown"] if s.name == "by_country")
    assert [r.value for r in by_country.figure.rows] == [1]


def test_dashboard_reports_an_inverted_period(client, coordinator):
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "must not be before its start" in response.content.decode()
    # and falls back to the default period rather than counting nothing
    assert response.context["filters"] == Filters.default()


def test_dashboard_shows_the_default_period_in_the_form(client, coordinator):
    client.force_login(coordinator)
    html = client.get(DASHBOARD).content.decode()
    default = Filters.default()
    assert f'value="{default.date_from.isoformat()}"' in html
    assert f'value="{default.date_to.isoformat()}"' in html
