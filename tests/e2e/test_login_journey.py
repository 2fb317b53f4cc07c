"""A person logs in in a real browser and sees only their organisation's cases."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_caseworker_logs_in_and_sees_own_cases_on_a_phone(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, live_server.url, "caseworker")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.get_by_text("KH-PPCARE-").first).to_be_visible()
    expect(page.get_by_text("LA-VTHOPE-")).to_have_count(0)
    # Nothing overflows sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name=re.compile(r"KH-PPCARE-")).first.click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Homeward")).to_be_visible()
    context.close()


def test_wrong_password_is_refused_clearly(live_server, demo, page: Page):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("caseworker")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
