"""After the liaison marks "handed over to family", the Phnom Penh caseworker records a
micro-loan and the 3-month follow-up (reached by phone, working, in debt) on a phone; the
coordinator sees it in the outcome figures."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases import identity_index
from cases.models import Case
from reintegration.models import FollowUp, ServiceRecord
from tests.e2e.conftest import login, logout
from tests.e2e.test_repatriation import _update

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HANDED_OVER = "Handed over to family or shelter"


def test_handover_loan_follow_up_and_the_figures(live_server, demo, browser):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Sopheap", "Ly")
    today = timezone.localdate().isoformat()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page: Page = context.new_page()

    login(page, live_server.url, "liaison")
    page.get_by_role("link", name="My repatriations").click()
    _update(page, HANDED_OVER, status="Done")
    logout(page)
    assert FollowUp.objects.filter(case=case).count() == 3

    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    panel = page.get_by_role("region", name="Reintegration")
    expect(panel.get_by_text(re.compile(r"^3 months"))).to_be_visible()
    panel.get_by_role("link", name="Record a service").click()
    page.get_by_label("Service").select_option(label="Micro-loan")
    page.get_by_label("Started on").fill(today)
    page.get_by_label("Amount").fill("1200000")
    page.get_by_label("Currency").fill("KHR")
    page.get_by_label("Repayment schedule").select_option(label="Monthly")
    page.get_by_role("button", name="Save service").click()
    expect(page.get_by_text("Service recorded.")).to_be_visible()

    panel = page.get_by_role("region", name="Reintegration")
    panel.get_by_role("link", name="Record the 3-month follow-up").click()
    page.get_by_label("Date").fill(today)
    page.get_by_label("How").select_option(label="Phone call")
    page.get_by_label("Person reached").select_option(label="Yes")
    page.get_by_label("Working").select_option(label="Yes")
    page.get_by_label("In debt").select_option(label="Yes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Save follow-up").click()
    expect(page.get_by_text("Follow-up recorded.")).to_be_visible()
    expect(page.get_by_role("region", name="Reintegration").get_by_text("working")).to_be_visible()
    logout(page)

    loan = ServiceRecord.objects.get(case=case, type="micro_loan")
    assert (loan.amount, loan.currency, loan.schedule) == (1200000, "KHR", "monthly")
    fu = FollowUp.objects.get(case=case, months=3)
    assert (fu.method, fu.reached, fu.working, fu.in_debt) == ("phone", True, True, True)

    login(page, live_server.url, "coordinator")
    page.get_by_role("link", name="Dashboard").click()
    figure = page.get_by_role("region", name="Follow-ups after the return")
    expect(figure.locator("tr", has_text="Done")).to_contain_text("1")
    context.close()
