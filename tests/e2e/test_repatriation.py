"""The embassy liaison works on a repatriation from a phone; the owner's caseworker sees it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases import identity_index
from cases.models import Case, TimelineEntry
from notifications.models import Notification
from repatriation.models import RepatriationStep, StepKind, StepStatus
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXIT = "Exit clearance / immigration (incl. release from detention)"


def _update(page: Page, step_name: str, **fields: str) -> None:
    summary = page.get_by_text(f"Update {step_name}", exact=True)
    if not summary.is_visible():  # a later step: folded on "My repatriations" (issue 16 #14)
        page.locator("details.rp-later", has=summary).locator("> summary").click()
    summary.click()
    form = page.get_by_role("form", name=f"Update {step_name}")
    form.get_by_label("Status").select_option(label=fields["status"])
    if "note" in fields:
        form.get_by_label("Note").fill(fields["note"])
    if "reason" in fields:
        form.get_by_label("Reason").fill(fields["reason"])
    form.get_by_role("button", name="Save step").click()
    expect(page.get_by_role("status").filter(has_text=f"“{step_name}” saved.")).to_be_visible()


def test_liaison_updates_steps_inline_and_the_owner_sees_them(live_server, demo, browser):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Sopheap", "Ly")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()

    login(page, live_server.url, "liaison")
    page.get_by_role("link", name="My repatriations").click()
    expect(page.get_by_role("heading", name="My repatriations")).to_be_visible()
    plan = page.get_by_role("region", name=re.compile(case.reference))
    expect(plan.get_by_text(re.compile(r"\d+ of 14 steps done"))).to_be_visible()
    # A marker that a full page load would wipe out.
    page.evaluate("window.__noReload = true")

    _update(page, "Travel document issued", status="Done", note="Emergency passport issued")
    _update(page, EXIT, status="Blocked", reason="Immigration fine unpaid")
    # The plan's progress bar followed without a reload: 4 done in the demo, now 5.
    expect(plan.get_by_text(re.compile(r"5 of 14 steps done"))).to_be_visible()

    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    step = RepatriationStep.objects.get(plan__case=case, kind=StepKind.TRAVEL_DOCUMENT)
    assert (step.status, step.note) == (StepStatus.DONE, "Emergency passport issued")
    step = RepatriationStep.objects.get(plan__case=case, kind=StepKind.EXIT_CLEARANCE)
    assert (step.status, step.reason) == (StepStatus.BLOCKED, "Immigration fine unpaid")
    logout(page)

    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_text("Repatriation step “Travel document issued”: Done")).to_be_visible()
    expect(timeline.get_by_text(f"Repatriation step “{EXIT}”: Blocked")).to_be_visible()
    expect(page.get_by_text("Immigration fine unpaid")).to_be_visible()
    context.close()

    assert TimelineEntry.objects.filter(case=case, kind="repatriation_step_changed").count() == 2
    messages = set(
        Notification.objects.filter(
            recipient__username="caseworker", kind="repatriation_step_changed"
        ).values_list("message", flat=True)
    )
    assert messages == {
        f'{case.reference}: repatriation step "Travel document issued" is now Done',
        f'{case.reference}: repatriation step "{EXIT}" is now Blocked',
    }
