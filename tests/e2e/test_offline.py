"""Without signal (issue 19): the service worker keeps the intake form; a call logged offline
waits in the encrypted outbox, "1 waiting to send", and is sent once when the signal returns,
even when the first answer is lost; no page with identity is kept; logging out deletes the
outbox and its key."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from cases.access import cases_visible_to
from cases.models import Case, CaseNote, DistressCall
from partners.models import User
from tests.e2e.conftest import login
from tests.e2e.test_intake import fill_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""
OUTBOX_DB = "async () => (await indexedDB.databases()).map(d => d.name)"
OUTBOX_KEY = """() => new Promise(resolve => {
  const req = indexedDB.open("homeward-outbox", 1);
  req.onupgradeneeded = () => { req.transaction.abort(); };
  req.onerror = () => resolve(null);
  req.onsuccess = () => {
    const db = req.result;
    const get = db.transaction("keys").objectStore("keys").get("outbox");
    get.onsuccess = () => {
      const k = get.result; db.close();
      resolve(k && {type: k.type, extractable: k.extractable, algorithm: k.algorithm.name});
    };
  };
})"""


def signed_in_with_worker(page: Page, base_url: str) -> None:
    login(page, base_url, "caseworker")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    # The worker is installed and has kept the offline copy of the intake form.
    page.evaluate(
        """async () => {
          const reg = await navigator.serviceWorker.ready;
          reg.active.postMessage({type: "refresh-offline"});
        }"""
    )
    for _ in range(60):
        if "/offline/intake/" in page.evaluate(CACHED_URLS):
            return
        page.wait_for_timeout(500)
    raise AssertionError("the offline intake form was not kept")


def test_a_call_logged_without_signal_is_sent_once_when_it_returns(
    live_server, demo, page: Page, context: BrowserContext
):
    calls, cases = DistressCall.objects.count(), Case.objects.count()
    signed_in_with_worker(page, live_server.url)

    context.set_offline(True)
    page.goto(live_server.url + "/cases/intake/")
    expect(page.get_by_role("heading", name="Log a distress call")).to_be_visible()
    page.get_by_label("Channel").select_option(label="WhatsApp")
    page.get_by_label("Urgency").select_option(label="Immediate danger")
    page.get_by_label("Caller's relation to the person").select_option(label="Family")
    page.get_by_label("Reported country").select_option(label="Malaysia")
    page.get_by_label("What happened").fill("Two brothers on a trawler, offline at the port.")
    page.get_by_label("Forced labour").check()
    fill_person(page, 1, "Kosal", "Im", "24")
    page.get_by_role("button", name="Add another person").click()
    fill_person(page, 2, "Rithy", "Im", "19")
    page.get_by_role("button", name="Save the call").click()

    status = page.locator(".outbox-status")
    expect(status).to_contain_text("1 waiting to send")
    # What waits is encrypted under a key the page cannot export.
    key = page.evaluate(OUTBOX_KEY)
    assert key == {"type": "secret", "extractable": False, "algorithm": "AES-GCM"}
    stored = page.evaluate(
        """() => new Promise(resolve => {
          const req = indexedDB.open("homeward-outbox", 1);
          req.onsuccess = () => {
            const all = req.result.transaction("items").objectStore("items").getAll();
            all.onsuccess = () => resolve(all.result.map(i => JSON.stringify(i)));
          };
        })"""
    )
    assert len(stored) == 1 and "Kosal" not in stored[0] and "trawler" not in stored[0]
    assert DistressCall.objects.count() == calls

    # The signal returns, but the first answer is lost on the way back: the call was made,
    # the phone does not know. The retry carries the same Idempotency-Key.
    lost: list[str] = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.request.headers.get("idempotency-key"))
            route.fetch()
            route.abort()
        else:
            assert route.request.headers.get("idempotency-key") == lost[0]
            route.continue_()

    page.route(re.compile(r".*/api/v1/calls/$"), lose_first_answer)
    context.set_offline(False)
    page.evaluate("() => window.HomewardOutbox.flush()")
    assert lost and DistressCall.objects.count() == calls + 1
    page.evaluate("() => window.HomewardOutbox.flush()")
    expect(status).to_contain_text("Everything saved on this phone has been sent.")
    assert page.evaluate("() => window.HomewardOutbox.count()") == 0

    assert DistressCall.objects.count() == calls + 1
    assert Case.objects.count() == cases + 2
    call = DistressCall.objects.order_by("-pk").first()
    assert call is not None
    names = sorted(c.person.given_name_latin for c in call.cases.select_related("person"))
    assert names == ["Kosal", "Rithy"]


def test_no_page_with_identity_is_kept_and_logout_deletes_the_outbox(
    live_server, demo, page: Page, context: BrowserContext
):
    signed_in_with_worker(page, live_server.url)
    caseworker = User.objects.get(username="caseworker")
    case = cases_visible_to(caseworker, "change_case").order_by("pk").first()
    assert case is not None
    response = page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response is not None and "no-store" in response.headers["cache-control"]
    page.goto(live_server.url + "/cases/")
    cached = page.evaluate(CACHED_URLS)
    assert cached and "/offline/intake/" in cached
    assert all(u.startswith(("/static/", "/offline/")) for u in cached), cached
    assert f"/cases/{case.pk}/" not in cached and "/cases/" not in cached

    # A note written without signal on the open case page waits in the outbox.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    context.set_offline(True)
    notes = page.get_by_role("region", name="Notes")
    notes.get_by_role("textbox", name="Note").fill("Met him at the port; safe.")
    notes.get_by_role("button", name="Add note").click()
    expect(page.locator(".outbox-status")).to_contain_text("1 waiting to send")
    assert page.evaluate(OUTBOX_KEY) is not None
    # The signal returns but the note cannot get through before the caseworker logs out.
    page.route(re.compile(r".*/api/v1/cases/\d+/notes/$"), lambda route: route.abort())
    context.set_offline(False)

    # Logging out asks (something waits), then deletes the key and what waits.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    assert "homeward-outbox" not in page.evaluate(OUTBOX_DB)
    assert not page.evaluate(OUTBOX_KEY)
    # Only static files again (the login page's new worker): the offline copies are gone.
    assert all(u.startswith("/static/") for u in page.evaluate(CACHED_URLS))
    # (Note bodies are encrypted: compare what they decrypt to.)
    assert not any("safe" in note.body for note in CaseNote.objects.filter(case=case))
