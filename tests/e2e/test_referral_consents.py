"""The referral form shows what the chosen organisation needs before submit, and the missing
consents are recorded in place without losing what was typed (issue 16 item 12)."""

import re

import pytest
from playwright.sync_api import Browser, expect

from cases import identity_index
from cases.models import Case, Consent
from cases.vocab import ConsentPurpose
from referrals.models import Referral
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMBASSY = "Royal Embassy of Cambodia, Kuala Lumpur"
MESSAGE = "He wants to go home; the compound kept his passport."
NEEDED = ("Share with partner organisations", "Contact with their embassy")


def test_caseworker_records_missing_consents_in_place(live_server, demo, browser: Browser):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Rathana", "Suon")
    # This person has not been asked yet: the demo's consents for the two purposes go.
    Consent.objects.filter(
        case=case,
        purpose__in=[ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT],
    ).delete()
    assert not Referral.objects.filter(case=case, to_organization__code="khembkl").exists()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_role("link", name="Refer to a partner").click()

    page.get_by_label("Message").fill(MESSAGE)
    page.get_by_label("Refer to organisation").select_option(label=EMBASSY)
    with page.expect_response(lambda r: "/consents/?" in r.url and "service=repatriation" in r.url):
        page.get_by_label("Service").select_option(label="Repatriation")
    needs = page.locator("#consent-needs")
    expect(needs).to_contain_text("To refer for Repatriation to " + EMBASSY)
    for label in NEEDED:
        state = needs.locator("li", has_text=label).locator(".consent-state")
        expect(state).to_have_text("Missing: not asked yet")

    for label in NEEDED:
        group = page.get_by_role("group", name=f"Record consent: {label}")
        group.get_by_label("how").select_option(label="Verbal, recorded by staff")
        with page.expect_response(lambda r: "/consents/record/" in r.url) as recorded:
            group.get_by_role("button", name=f"Record consent: {label}").click()
        assert recorded.value.status == 200, re.findall(r"<li>(.*?)</li>", recorded.value.text())
        state = needs.locator("li", has_text=label).locator(".consent-state")
        expect(state).to_have_text("Agreed")
    expect(needs.locator(".consent-state")).to_have_text(["Agreed", "Agreed"])
    assert (
        Consent.objects.filter(
            case=case,
            granted=True,
            purpose__in=[ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT],
        ).count()
        == 2
    )
    # What was typed and chosen is still there.
    expect(page.get_by_label("Message")).to_have_value(MESSAGE)
    expect(page.get_by_label("Refer to organisation").locator("option:checked")).to_have_text(
        EMBASSY
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("status")).to_contain_text(f"Referral sent to {EMBASSY}")
    referral = Referral.objects.get(case=case, to_organization__code="khembkl")
    assert referral.message == MESSAGE and referral.service == "repatriation"
    assert referral.consent_override_reason == ""
    context.close()
