"""Attachments in the browser: the caseworker uploads a passport scan from the case page on a
slow link (the progress bar moves), the embassy liaison holding the accepted repatriation
referral downloads it, and a caseworker of another organisation cannot learn it exists."""

import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cases import identity_index
from cases.models import Case
from documents.models import Attachment
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Passport photo page, scanned at the shelter"


def _noisy_scan(path) -> None:
    """About 1 MB of JPEG (noise does not compress): long enough to watch it go up."""
    image = Image.frombytes("RGB", (900, 700), os.urandom(900 * 700 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    path.write_bytes(out.getvalue())


def _slow_upload(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 50,
            "downloadThroughput": 2_000_000,
            "uploadThroughput": 250_000,  # bytes per second: a few seconds for the scan
        },
    )


def test_upload_download_and_invisible_to_another_organisation(
    live_server, demo, browser, tmp_path
):
    case = identity_index.first_with_latin_name(Case.objects.all(), "Sopheap", "Ly")
    scan = tmp_path / "IMG_2291.jpg"
    _noisy_scan(scan)
    context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True)
    page = context.new_page()

    login(page, live_server.url, "caseworker")
    page.goto(live_server.url + case.get_absolute_url())
    form = page.get_by_role("form", name="Add documents or photos")
    form.get_by_label("Files").set_input_files(str(scan))
    form.get_by_label("Kind of document").select_option(label="Passport or identity card")
    form.get_by_label("Description").fill(DESCRIPTION)
    _slow_upload(page)
    form.get_by_role("button", name="Upload").click()
    progress = page.get_by_role("progressbar", name="Uploading")
    expect(progress).to_be_visible()
    page.wait_for_function(
        "() => { const p = document.querySelector('#attachment-progress');"
        " return p && p.value > 0 && p.value < 100; }",
        timeout=15_000,
    )
    expect(page.get_by_text("1 file(s) attached.")).to_be_visible(timeout=30_000)
    panel = page.get_by_role("region", name="Documents and photos")
    expect(panel.get_by_text(DESCRIPTION)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # (The description is encrypted: found in Python, not in SQL.)
    (attachment,) = [
        a for a in Attachment.objects.filter(case=case) if a.description == DESCRIPTION
    ]
    assert attachment.original_name == "IMG_2291.jpg"
    logout(page)

    login(page, live_server.url, "liaison")
    page.goto(live_server.url + case.get_absolute_url())
    item = page.locator("li.attachment", has_text=DESCRIPTION)
    with page.expect_download() as info:
        item.get_by_role("link", name="Download Passport or identity card").click()
    download = info.value
    body = Path(download.path()).read_bytes()
    assert body[:3] == b"\xff\xd8\xff"
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert download.suggested_filename == attachment.download_name()
    logout(page)

    login(page, live_server.url, "caseworker2")
    for url in (
        case.get_absolute_url(),
        f"/documents/{attachment.pk}/download/",
        f"/documents/{attachment.pk}/preview/",
        f"/api/v1/attachments/{attachment.pk}/",
    ):
        response = page.request.get(live_server.url + url)
        assert response.status == 404, url
        assert DESCRIPTION not in response.text()
    page.goto(live_server.url + "/cases/")
    expect(page.get_by_text(case.reference)).to_have_count(0)
    context.close()
