"""One search box on the case list, on a phone: a Latin name, a Khmer name and the caller's
phone find the case; a search that finds nothing says what to try (issue 16 item 9)."""

import pytest
from playwright.sync_api import Browser, expect

from cases import identity_index
from cases.models import Case, DistressCall
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_one_box_finds_by_name_in_any_script_and_by_phone(live_server, demo, browser: Browser):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Chantha", "Nuon")
    khmer_name = str(case.person.given_name)
    assert "\u1780" <= khmer_name[0] <= "\u17ff"  # Khmer script
    call = DistressCall.objects.filter(cases=case).get()
    caller_phone = str(call.caller_phone)  # E.164, as stored
    assert caller_phone.startswith("+855")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server.url, "caseworker")

    def search(text: str) -> None:
        page.goto(live_server.url + "/cases/")
        panel = page.locator("details.filter-panel")
        if panel.get_attribute("open") is None:
            panel.locator("> summary").click()
        page.get_by_label("Search by reference, name or phone").fill(text)
        page.get_by_role("button", name="Search", exact=True).click()

    for text in ("Chantha", khmer_name, caller_phone):
        search(text)
        expect(page.get_by_role("link", name=case.reference)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    search("Zqxwvtnobody")
    expect(page.get_by_text("No cases to show.")).to_be_visible()
    expect(page.locator(".search-hint")).to_contain_text("another script")
    context.close()
