"""Issue 16, the three journeys, in a real browser at phone width (390 px)."""

import re
import time

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cases.models import Case, CaseNote
from cases.vocab import ConsentPurpose
from partners.models import Organization, User
from referrals import services as referral_services
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


def _phone(browser: Browser, **kwargs) -> Page:
    return browser.new_context(viewport=PHONE, **kwargs).new_page()


def _piseth() -> Case:
    # Names are encrypted at rest: compare what they decrypt to.
    return next(
        case
        for case in Case.objects.select_related("person")
        if (case.person.given_name_latin, case.person.family_name_latin) == ("Piseth", "Chhim")
    )


def test_13_after_accepting_the_liaison_is_shown_the_plan_preselected(
    live_server, demo, browser: Browser
):
    case = _piseth()
    embassy = Organization.objects.get(code="khembkl")
    referral = referral_services.referral_create(
        by=User.objects.get(username="caseworker"),
        case=case,
        to_organization=embassy,
        service="repatriation",
        urgency="urgent",
    )
    page = _phone(browser)
    login(page, live_server.url, "liaison")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral accepted")
    heading = page.get_by_role("heading", name="Next step: create a repatriation plan")
    expect(heading).to_be_in_viewport()
    page.get_by_role("link", name="Create a repatriation plan").click()
    expect(page.get_by_label(re.compile("Embassy", re.I))).to_have_value(str(embassy.pk))
    expect(page.get_by_label(re.compile("Lead organisation", re.I))).to_have_value(
        str(case.owner_organization_id)
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_15_a_note_save_shows_busy_and_disables_the_button(live_server, demo, browser: Browser):
    case = _piseth()
    page = _phone(browser)
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())

    # Hold the request for a moment, so the busy state can be seen (the server is real).
    def slow(route):
        time.sleep(1.5)
        route.continue_()

    page.route(re.compile(r".*/cases/\d+/notes/$"), slow)
    form = page.locator("#notes form")
    form.get_by_label(re.compile("Note", re.I)).first.fill("Asked for his mother's village.")
    button = form.get_by_role("button", name="Add note")
    button.click()
    expect(button).to_be_disabled()
    expect(form.locator(".htmx-indicator")).to_have_css("opacity", "1")
    expect(page.locator("#notes").get_by_text("Asked for his mother's village.")).to_be_visible()
    expect(page.locator("#notes form").get_by_role("button", name="Add note")).to_be_enabled()
    bodies = [note.body for note in CaseNote.objects.filter(case=case)]  # decrypted
    assert "Asked for his mother's village." in bodies


def test_11_timeline_in_khmer_has_no_english_values(live_server, demo, browser: Browser):
    case = _piseth()
    user = User.objects.get(username="caseworker")
    referral_services.referral_create(
        by=user,
        case=case,
        to_organization=Organization.objects.get(code="khembkl"),
        service="repatriation",
        urgency="urgent",
    )
    from cases import services as case_services

    case_services.consent_record(
        case=case,
        by=user,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        granted=True,
        method="verbal",
    )
    user.preferred_language = "km"
    user.save(update_fields=["preferred_language"])
    page = _phone(browser)
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    timeline = page.locator("ol.timeline")
    expect(timeline).to_be_visible()
    text = timeline.inner_text()
    for english in [
        "(Phone)",
        "(yes)",
        "Share with partner organisations",
        "Repatriation",
        "view_case",
        "update_repatriation",
    ]:
        assert english not in text, english
    # The values are there, in Khmer: the consent purpose and the answer.
    assert "ចែករំលែកជាមួយអង្គការដៃគូ" in text  # Share with partner organisations
    assert "បាទ/ចាស" in text  # yes


def test_16_case_list_on_a_phone(live_server, demo, browser: Browser):
    page = _phone(browser)
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + "/cases/")
    panel = page.locator("details.filter-panel")
    assert panel.evaluate("el => el.open") is False
    expect(page.locator("table.cases tbody tr").first).to_be_in_viewport()
    panel.get_by_text("Search and filters").click()
    # "Assigned to me": the label right beside its checkbox.
    box = page.get_by_label("Assigned to me").bounding_box()
    label = page.locator("label", has_text="Assigned to me").bounding_box()
    assert box and label and 0 <= label["x"] - (box["x"] + box["width"]) < 24
    # Status checkboxes line up in columns.
    xs = {
        round(b["x"])
        for b in (
            el.bounding_box() for el in page.locator(".case-filters fieldset input").all()[:8]
        )
        if b
    }
    assert 1 <= len(xs) <= 3, xs
    # The country picker starts with the region and its usual destinations.
    values = page.locator(".case-filters select[name=country] option").evaluate_all(
        "opts => opts.map(o => o.value).filter(v => v)"
    )
    assert values[:8] == ["KH", "LA", "MM", "TH", "VN", "CN", "MY", "ID"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Active filters keep it open; a wide screen opens it.
    page.goto(live_server.url + "/cases/?status=open")
    assert page.locator("details.filter-panel").evaluate("el => el.open") is True
    wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(wide, live_server.url, "caseworker")
    wide.goto(live_server.url + "/cases/")
    assert wide.locator("details.filter-panel").evaluate("el => el.open") is True


def test_14_my_repatriations_is_short_on_a_phone(live_server, demo, browser: Browser):
    from repatriation.models import RepatriationStep, StepStatus

    page = _phone(browser)
    login(page, live_server.url, "liaison")
    page.goto(live_server.url + "/repatriation/")
    expect(page.get_by_role("heading", name="My repatriations")).to_be_visible()
    plans = page.locator("section.rp-plan")
    assert plans.count() >= 1
    # Finished steps are folded away; what needs action is shown.
    done = RepatriationStep.objects.filter(status=StepStatus.DONE).first()
    assert done is not None
    expect(page.locator(f"#rp-step-{done.pk}")).to_be_hidden()
    expect(page.get_by_role("heading", name="Needs action").first).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4500, height  # it was 11,426 px with every step expanded
    page.locator("details.rp-finished summary").first.click()
    expect(page.locator("details.rp-finished .rp-step").first).to_be_visible()
