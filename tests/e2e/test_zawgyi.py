"""In a browser: a note typed in Zawgyi is not saved as is; the page offers the Unicode
conversion in place (htmx) and the caseworker may keep the text as typed."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseNote
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ZAWGYI = "ေအာင္ေက်ာ္ ဖုန္းဆက္ရန္"
UNICODE = "အောင်ကျော် ဖုန်းဆက်ရန်"


def test_note_in_zawgyi_is_converted_or_kept_as_typed(live_server, demo, browser):
    case = Case.objects.filter(owner_organization__code="ppcare").order_by("pk").first()
    assert case is not None
    before = CaseNote.objects.filter(case=case).count()
    context = browser.new_context()
    page = context.new_page()
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    notes = page.locator("#notes")
    notes.get_by_label("Note").fill(ZAWGYI)
    notes.get_by_role("button", name="Add note").click()

    notice = page.locator(".zawgyi-notice")
    expect(notice).to_be_visible()
    expect(notice.locator(".zawgyi-converted")).to_have_text(UNICODE)
    expect(page.locator("#notes").get_by_label("Note")).to_have_value(UNICODE)
    assert CaseNote.objects.filter(case=case).count() == before  # nothing saved yet

    notice.get_by_label("Keep my Burmese text exactly as typed").check()
    page.locator("#notes").get_by_role("button", name="Add note").click()
    expect(page.locator(".zawgyi-notice")).to_have_count(0)
    expect(page.locator("#notes").get_by_text(ZAWGYI)).to_be_visible()
    assert CaseNote.objects.filter(case=case).latest("pk").body == ZAWGYI
    context.close()
