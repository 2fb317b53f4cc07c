"""The intake journey in a real browser: a caseworker logs a call about two men on a vessel
in Malaysia, finds both cases, adds a note; a caseworker of another organisation cannot find
or open either case."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_person(page: Page, n: int, given: str, family: str, age: str) -> None:
    person = page.get_by_role("group", name=f"Person {n}", exact=True)
    person.get_by_label("Given name (Latin letters)").fill(given)
    person.get_by_label("Family name (Latin letters)").fill(family)
    person.get_by_label("Sex").select_option(label="Male")
    person.get_by_label("Estimated age").fill(age)
    person.get_by_label("Nationality").select_option(label="Cambodia")


def test_caseworker_logs_a_call_about_two_men_on_a_vessel(live_server, demo, page: Page):
    login(page, live_server.url, "caseworker")
    page.get_by_role("link", name="Log a call").click()
    expect(page.get_by_role("heading", name="Log a distress call")).to_be_visible()

    page.get_by_label("Channel").select_option(label="WhatsApp")
    page.get_by_label("Urgency").select_option(label="Immediate danger")
    page.get_by_label("Caller's relation to the person").select_option(label="Family")
    page.get_by_label("Reported country").select_option(label="Malaysia")
    page.get_by_label("Vessel name or number").fill("PKFB 2231")
    page.get_by_label("What happened").fill("Two brothers held on a trawler, no pay for a year.")
    page.get_by_label("Forced labour").check()
    fill_person(page, 1, "Kosal", "Im", "24")
    page.get_by_role("button", name="Add another person").click()
    fill_person(page, 2, "Rithy", "Im", "19")
    # What was typed before adding the row is still there.
    expect(page.get_by_label("Vessel name or number")).to_have_value("PKFB 2231")
    page.get_by_role("button", name="Save the call").click()

    message = page.get_by_role("status")
    expect(message).to_contain_text("Call logged for")
    refs = re.findall(r"KH-PPCARE-\d{4}-\d{5}", message.inner_text())
    assert len(refs) == 2
    first, second = refs
    expect(page.get_by_role("heading", name=first)).to_be_visible()
    # The other man's case is linked from this one, by name (same organisation).
    group = page.get_by_role("region", name="Persons in the same group")
    expect(group.get_by_role("link", name=second)).to_be_visible()
    expect(group).to_contain_text("Rithy Im")

    # Both cases in the list.
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("link", name=first)).to_be_visible()
    expect(page.get_by_role("link", name=second)).to_be_visible()

    # A note, added without leaving the page.
    page.get_by_role("link", name=first).click()
    notes = page.get_by_role("region", name="Notes")
    notes.get_by_role("textbox", name="Note").fill("Spoke to the mother; embassy informed.")
    notes.get_by_role("button", name="Add note").click()
    expect(notes).to_contain_text("Spoke to the mother; embassy informed.")
    assert "#notes" not in page.url  # swapped in by htmx, not a full post-and-redirect
    case_url = page.url
    second_url = live_server.url + group.get_by_role("link", name=second).get_attribute("href")
    logout(page)

    # Another organisation's caseworker finds neither case and cannot open them.
    login(page, live_server.url, "caseworker2")
    page.goto(live_server.url + "/cases/")
    for ref in refs:
        page.get_by_label("Search by reference").fill(ref)
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("No cases to show.")).to_be_visible()
        expect(page.get_by_role("link", name=ref)).to_have_count(0)
    for url in (case_url, second_url):
        response = page.goto(url)
        assert response is not None and response.status == 404
        expect(page.get_by_text("Kosal")).to_have_count(0)


def test_intake_on_a_phone_shows_errors_next_to_fields(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + "/cases/intake/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    person = page.get_by_role("group", name="Person 1", exact=True)
    person.get_by_label("Given name (Latin letters)").fill("Kosal")
    person.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Caller phone").fill("12")
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    expect(page.locator("#id_caller_phone_error")).to_contain_text("valid phone number")
    expect(page.locator("#id_persons-0-date_of_birth_error")).to_contain_text("future")
    expect(page.locator("#id_persons-0-sex_error")).to_contain_text("required")
    # What was typed is kept.
    expect(person.get_by_label("Given name (Latin letters)")).to_have_value("Kosal")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
