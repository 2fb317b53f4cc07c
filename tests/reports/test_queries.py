"""The dashboard aggregates in the database: its query count does not grow with the cases."""

import pytest

from reports import selectors
from reports.selectors import Filters

from .conftest import build_case

pytestmark = pytest.mark.django_db

# One query per figure, whatever the number of cases:
#   open by status, open by urgency, calls this week, by exploitation (GROUP BY on the
#   exploitation table), by industry, by sex, by age band, by country;
#   referrals awaiting (two: cases with a referral sent, referrals received);
#   repatriations by step, blocked or overdue, median days home (one each);
#   forced-labour indicators found, trafficking events by place (identification, one each);
#   follow-ups after the return, outcomes at 12 months, by organisation, by route (one each).
DASHBOARD_QUERIES = 19


@pytest.mark.parametrize("n", [10, 50])
def test_dashboard_query_count_is_flat(coordinator, org, caseworker, n, django_assert_num_queries):
    for i in range(n):
        build_case(
            org,
            caseworker,
            age=10 + i,
            exploitation=["forced_labour"],
            country_of_exploitation="MY" if i % 2 else "TH",
        )
    filters = Filters.default()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        shown = selectors.dashboard(coordinator, filters)
    by_exploitation = next(s for s in shown if s.name == "by_exploitation")
    assert by_exploitation.figure.rows[0].value == n


@pytest.mark.parametrize("n", [10, 50])
def test_export_query_count_is_flat(coordinator, org, caseworker, n, django_assert_num_queries):
    from reports import ctdc

    for _i in range(n):
        build_case(org, caseworker, statistics=True, exploitation=["forced_labour"])
    with django_assert_num_queries(1):  # one SELECT with the flags as EXISTS columns
        rows = ctdc.rows(coordinator, Filters.default())
    assert len(rows) == n


def test_dashboard_page_query_count_does_not_grow(client, coordinator, org, caseworker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/").status_code == 200
        return len(ctx.captured_queries)

    for _i in range(10):
        build_case(org, caseworker, exploitation=["forced_labour"])
    at_10 = page_queries()
    for _i in range(40):
        build_case(org, caseworker, exploitation=["forced_labour"])
    assert page_queries() == at_10
