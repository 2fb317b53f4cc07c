"""Pages as a phone on a slow link sees them: bytes transferred with a cold cache, and time to
first contentful paint and to load at 400 kbit/s and 400 ms round trip (Chromium's DevTools
protocol, Network.emulateNetworkConditions). Used by the page-weight tests
(tests/e2e/test_page_weight.py) and by `make bench` (bench.run.EXTRA_MEASUREMENTS).

The site is served as in production: every request, static files included, goes through
Django's middleware, so that whitenoise answers with the hashed, compressed files of
collectstatic (the test server's own static handler would serve plain files).

    python -m bench.browser      # the slow-link figures on the current database (make run's)
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# 400 kbit/s both ways, 400 ms round trip (a poor 3G link at a port or in a village).
SLOW = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def collect_static() -> None:
    """collectstatic when its output is missing or older than a static source file."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.utils.functional import empty

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)
    staticfiles_storage._wrapped = empty  # type: ignore[attr-defined]  # reload the manifest


def _through(app: Any) -> Any:
    return app


@contextmanager
def serve() -> Iterator[str]:
    """The site on a free port, every request through Django and whitenoise."""
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", static_handler=_through, port=0)  # type: ignore[arg-type]
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()


def cold_context(browser: Any, base_url: str, session_id: str) -> Any:
    """A phone-sized browser context with an empty cache, signed in with ``session_id``. The
    service worker is blocked: this measures what the page itself costs."""
    from django.conf import settings

    context = browser.new_context(viewport=PHONE, service_workers="block")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": base_url}]
    )
    return context


PAINT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {fcp: fcp ? fcp.startTime : 0, load: nav.loadEventEnd};
}"""


def measure(
    context: Any, url: str, conditions: dict | None = None, timing: dict | None = None
) -> tuple[int, list[tuple[str, int, str]]]:
    """Load ``url`` in a new page of ``context``; the bytes transferred (headers and bodies,
    as received) in total and per response (url, bytes, content-encoding). ``timing``, if
    given, receives the first contentful paint and the load event (ms from navigation)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    if conditions:
        cdp.send("Network.emulateNetworkConditions", conditions)
    urls: dict[str, str] = {}
    encodings: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: encodings.__setitem__(
            e["requestId"],
            {k.lower(): v for k, v in e["response"]["headers"].items()}.get("content-encoding", ""),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url, wait_until="load", timeout=180_000)
    page.wait_for_load_state("networkidle", timeout=180_000)
    if timing is not None:
        timing.update(page.evaluate(PAINT))
    page.close()
    rows = [(urls[r], size, encodings.get(r, "")) for r, size in sizes.items() if r in urls]
    return sum(size for _u, size, _e in rows), rows


@dataclass
class Timing:
    first_contentful_paint_ms: float
    load_ms: float
    kilobytes: float


def slow_load(browser: Any, base_url: str, path: str, session_id: str | None) -> Timing:
    """One cold load of ``path`` at 400 kbit/s and 400 ms."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    if session_id:
        from django.conf import settings

        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": base_url}]
        )
    try:
        timing: dict = {}
        total, _rows = measure(context, base_url + path, SLOW, timing)
        return Timing(timing["fcp"], timing["load"], round(total / 1024, 1))
    finally:
        context.close()


def slow_link(ctx: Any, client: Any, runs: int) -> list:
    """bench.run measurement: login, case list and a case page on a slow link, cold."""
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from bench import measure as m
    from cases.access import cases_visible_to

    collect_static()
    user = client.session.get("_auth_user_id")
    from partners.models import User

    case = cases_visible_to(User.objects.get(pk=user)).order_by("pk").first()
    assert case is not None
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [
        ("login", "/accounts/login/", None),
        ("case list", "/cases/", session_id),
        ("case page", f"/cases/{case.pk}/", session_id),
    ]
    results = []
    n = max(1, min(runs, 3))
    with serve() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for name, path, session in pages:
                samples = [slow_load(browser, base, path, session) for _ in range(n)]
                for label, values in (
                    ("first contentful paint", [s.first_contentful_paint_ms for s in samples]),
                    ("loaded", [s.load_ms for s in samples]),
                ):
                    row = m.Result(
                        f"Slow link (400 kbit/s, 400 ms), cold: {name}, {label}",
                        round(statistics.median(values), 1),
                        round(m.percentile(values, 95), 1),
                    )
                    row.notes.append(f"{samples[0].kilobytes} KB transferred, {n} runs")
                    results.append(row)
        finally:
            browser.close()
    return results


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from django.test import Client

    from partners.models import User

    client = Client()
    client.force_login(User.objects.get(username=os.environ.get("BENCH_USER", "caseworker")))
    for row in slow_link(None, client, 3):
        print(f"{row.name}: median {row.median_ms} ms, p95 {row.p95_ms} ms ({row.notes[0]})")


if __name__ == "__main__":
    main()
