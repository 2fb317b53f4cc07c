"""A case goes from the NGO to the embassy in a real browser, and only to the embassy."""

import re

import pytest
from playwright.sync_api import Browser, expect

from cases import identity_index
from cases.models import Case
from notifications.models import Notification
from referrals.models import Referral
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMBASSY = "Royal Embassy of Cambodia, Kuala Lumpur"


def test_caseworker_refers_to_embassy_liaison_accepts(live_server, demo, browser: Browser):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Piseth", "Chhim")
    assert not Referral.objects.filter(case=case, to_organization__code="khembkl").exists()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()

    # The caseworker refers the case to the embassy from the case page.
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_role("link", name="Refer to a partner").click()
    page.get_by_label("Refer to organisation").select_option(label=EMBASSY)
    page.get_by_label("Service").select_option(label="Repatriation")
    page.get_by_label("Urgency").select_option(label="Urgent")
    page.get_by_label("Message").fill("He wants to go home; his passport is with the boat owner.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("status")).to_contain_text(f"Referral sent to {EMBASSY}")
    expect(page.get_by_role("heading", name="Referrals")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    logout(page)

    # The liaison sees the bell count, opens the referral: no identity before accepting.
    login(page, live_server.url, "liaison")
    unread = Notification.objects.filter(recipient__username="liaison", read_at__isnull=True)
    assert unread.count() >= 1
    bell = page.get_by_role("link", name=re.compile(r"Notifications \d+ unread"))
    expect(bell).to_contain_text(str(unread.count()))
    bell.click()
    page.get_by_role("link", name=re.compile(f"Repatriation referral {case.reference}")).click()
    expect(page.get_by_role("heading", name=f"Referral of {case.reference}")).to_be_visible()
    expect(page.get_by_text("his passport is with the boat owner")).to_be_visible()
    expect(page.get_by_text("Piseth")).to_have_count(0)
    expect(page.get_by_text("ពិសិដ្ឋ")).to_have_count(0)
    response = page.goto(live_server.url + case.get_absolute_url())
    assert response is not None and response.status == 404
    page.go_back()
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral accepted")
    # Now the case opens, with the identity the repatriation needs.
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()
    expect(page.get_by_text("Piseth").first).to_be_visible()
    logout(page)

    # Another NGO still cannot see the case.
    login(page, live_server.url, "caseworker2")
    response = page.goto(live_server.url + case.get_absolute_url())
    assert response is not None and response.status == 404
    context.close()
