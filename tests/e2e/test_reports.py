"""A coordinator opens the dashboard and follows a number to the case list."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_follows_a_number_to_the_case_list(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Cases by sex"))).to_be_visible()
    # Nothing overflows sideways at 360 px; no inline style for the strict CSP to block.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("main [style]")).to_have_count(0)
    # The demo data has open cases of the coordinator's organisation.
    table = page.get_by_role("table", name="Open cases by status")
    row = table.get_by_role("row", name=re.compile("^Active"))
    link = row.get_by_role("link")
    count = int(link.inner_text())
    assert count > 0
    link.click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    assert re.search(r"/cases/\?.*status=active", page.url)
    # The list counts exactly what the dashboard counted, and says which filters are on.
    expect(page.locator(".page-head .count")).to_have_text(
        f"{count} case" if count == 1 else f"{count} cases"
    )
    active = page.get_by_role("list", name="Active filters")
    expect(active).to_contain_text("Status: Active")
    # Each filter can be cleared on its own; the period the dashboard applied stays.
    page.get_by_role("link", name="Clear the filter Status: Active").click()
    expect(page.get_by_role("list", name="Active filters")).not_to_contain_text("Status")
    assert "status=" not in page.url and "created_from=" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_caseworker_has_no_dashboard(live_server, demo, page):
    login(page, live_server.url, "caseworker")
    expect(page.get_by_role("link", name="Cases", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard", exact=True)).to_have_count(0)
    response = page.goto(live_server.url + "/reports/")
    assert response is not None and response.status == 403
