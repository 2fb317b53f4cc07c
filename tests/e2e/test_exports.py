"""A coordinator exports a case summary in a real browser; a caseworker cannot."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exports import services
from exports.models import Export
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_first_case(page: Page, base_url: str) -> str:
    page.goto(base_url + "/cases/")
    page.get_by_role("link", name=re.compile(r"KH-PPCARE-")).first.click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    return page.url


def test_coordinator_exports_and_caseworker_cannot(live_server, demo, page: Page):
    login(page, live_server.url, "coordinator")
    case_url = _open_first_case(page, live_server.url)
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.get_by_role("heading", name="Case summary (PDF)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Court or prosecution").check()
    page.get_by_role("button", name="Export case summary").click()

    expect(page.get_by_role("heading", name="Case summary")).to_be_visible()
    status = page.get_by_role("status").filter(has_text=re.compile("Ready|Being prepared|Failed"))
    expect(status).to_contain_text("Ready", timeout=30_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    export = Export.objects.get()
    assert download_info.value.suggested_filename == export.filename()
    export_url = page.url

    # The page follows a pending export to "ready" without a reload (htmx polling).
    # (requested through the service, the task runs in-process at once: queue none instead)
    pending = Export.objects.create(
        requested_by=export.requested_by,
        organization=export.organization,
        case=export.case,
        purpose="embassy",
        queued_at=timezone.now(),
    )
    page.goto(f"{live_server.url}/exports/{pending.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Being prepared")
    services.export_generate(export_id=pending.pk)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("Ready")
    logout(page)

    login(page, live_server.url, "caseworker")
    page.goto(case_url)
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.get_by_role("button", name="Export case summary")).to_have_count(0)
    response = page.goto(export_url)
    assert response is not None and response.status == 404
    response = page.goto(export_url + "download/")
    assert response is not None and response.status == 404
