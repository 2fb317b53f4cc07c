"""Issue 22: the caseworker interviews one of the two fishermen of a call through a Khmer
interpreter, pauses, resumes, records where he was recruited and exploited; the coordinator
decides "identified victim" from the interview."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case, DistressCall, Person, TimelineEntry
from cases.services import PersonIntake, distress_call_create
from identification.models import IdentificationDecision, Interview, TraffickingEvent
from partners.models import User
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _two_fishermen() -> list[Case]:
    caseworker = User.objects.get(username="caseworker")
    _call, cases = distress_call_create(
        by=caseworker,
        call=DistressCall(
            channel="whatsapp",
            caller_relation="family",
            summary="Two cousins on a trawler out of Kantang, unpaid for a year.",
            urgency="urgent",
            reported_country="TH",
        ),
        persons=[
            PersonIntake(
                person=Person(
                    given_name_latin="Rith",
                    family_name_latin="Sam",
                    sex="male",
                    estimated_age=24,
                    nationality="KH",
                )
            ),
            PersonIntake(
                person=Person(
                    given_name_latin="Bora",
                    family_name_latin="Nhem",
                    sex="male",
                    estimated_age=31,
                    nationality="KH",
                )
            ),
        ],
    )
    return cases


def _answer(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def test_interview_pause_resume_events_and_decision(live_server, demo, browser):
    rith, bora = _two_fishermen()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + rith.get_absolute_url())
    page.get_by_role("link", name="Start a screening interview").click()
    expect(page.get_by_role("heading", name="New screening interview")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # a phone
    page.get_by_label("Where the interview took place").fill("Phnom Penh")
    page.get_by_label("Interpreter").fill("Chenda Lim")
    page.get_by_label("Language interpreted").select_option(label="Khmer")
    page.get_by_label("The person agreed to be interviewed").check()
    _answer(page, "Deception", "Yes")
    _answer(page, "Debt bondage", "Yes")
    _answer(page, "Isolation", "Prefers not to say")
    page.get_by_role("button", name="Pause and save").click()
    expect(page.get_by_text("Interview saved as a draft")).to_be_visible()
    interview = Interview.objects.get(case=rith)
    assert interview.status == "draft" and interview.interpreter_language == "km"

    # Later: resumed from the case page.
    page.goto(live_server.url + rith.get_absolute_url())
    page.get_by_role("link", name=re.compile("Screening interview of")).click()
    expect(page.get_by_role("heading", name="Resume the screening interview")).to_be_visible()
    expect(
        page.get_by_role("group", name="Debt bondage", exact=True).get_by_label("Yes")
    ).to_be_checked()
    _answer(page, "Retention of identity documents", "Yes")
    _answer(page, "Act: recruitment", "Yes")
    _answer(page, "Means: deception", "Yes")
    _answer(page, "Purpose: exploitation", "Yes")
    page.get_by_role("button", name="Save and complete").click()
    expect(page.get_by_text("Interview completed.")).to_be_visible()
    expect(page.get_by_text("Forced-labour indicators: 3 of 11")).to_be_visible()
    expect(page.get_by_text("Act, means and purpose present")).to_be_visible()
    expect(page.get_by_role("heading", name="Record the identification decision")).to_have_count(0)

    # Where it happened: recruited by a broker in Banteay Meanchey, exploited on a vessel out
    # of a Thai port (typed in Thai).
    page.goto(live_server.url + rith.get_absolute_url())
    page.get_by_role("link", name="Record a trafficking event").click()
    page.get_by_label("Stage").select_option(label="Recruitment")
    page.get_by_role("combobox", name="Place").fill("Banteay Meanchey")
    page.get_by_label("How the person was recruited").select_option(label="Broker")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("Trafficking event saved.")).to_be_visible()
    page.get_by_role("link", name="Record a trafficking event").click()
    page.get_by_label("Stage").select_option(label="Exploitation")
    page.get_by_role("combobox", name="Place").fill("กันตัง")
    page.get_by_label("Industry").select_option(label="Marine fishing")
    page.get_by_label("Vessel or workplace").fill("Chor. Kantang 21")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("Trafficking event saved.")).to_be_visible()
    panel = page.get_by_role("region", name="Identification")
    expect(panel.get_by_text("Kantang (TH)")).to_be_visible()
    events = {e.stage: e for e in TraffickingEvent.objects.filter(case=rith)}
    assert events["recruitment"].place.code == "KH-1"
    assert events["recruitment"].recruitment_method == "broker"
    assert events["exploitation"].place.code == "port:TH-KANTANG"
    assert not TraffickingEvent.objects.filter(case=bora).exists()
    logout(page)

    # The coordinator decides from the interview.
    login(page, live_server.url, "coordinator")
    page.goto(live_server.url + rith.get_absolute_url())
    page.get_by_role("link", name=re.compile("Screening interview of")).click()
    page.get_by_label("Trafficking status").select_option(label="Identified victim")
    page.get_by_label("Reason").fill("Deceived by a broker, debt and documents kept on the vessel.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Identification decision recorded.")).to_be_visible()
    expect(
        page.get_by_text("Identification decided from a screening interview: Identified victim")
    ).to_be_visible()
    rith.refresh_from_db()
    assert rith.trafficking_status == "actual"
    decision = IdentificationDecision.objects.get(case=rith)
    assert decision.interview == interview and decision.decided_by.username == "coordinator"
    assert TimelineEntry.objects.filter(case=rith, kind="identification_decided").exists()
    bora.refresh_from_db()
    assert bora.trafficking_status == "possible"
    context.close()
