"""Page weight on a phone with a cold cache (issue 19): the bytes Chromium transfers for the
case list and a case page, summed from the DevTools protocol's network events, against the
budgets of docs/performance.md. Served as in production: hashed, compressed static files
from collectstatic through whitenoise (not the test server's plain static handler), pages
gzipped (config/http.py)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from playwright.sync_api import Browser

from bench.browser import cold_context, collect_static, measure, serve
from cases.access import cases_visible_to
from partners.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KB = 1024
BUDGET = {"en": 150 * KB, "km": 350 * KB, "my": 350 * KB}
SCRIPT_FONTS = {
    "NotoSansKhmer-Regular": (0x1780, 0x17FF),
    "NotoSansMyanmar-Regular": (0x1000, 0x109F),
    "NotoSansThai-Regular": (0x0E01, 0x0E5B),
    "NotoSansLao-Regular": (0x0E81, 0x0EFF),
}


@pytest.fixture
def production_site(transactional_db, settings):
    """The site as production serves it: DEBUG off (hashed static names), collected files."""
    collect_static()
    with serve() as url:
        yield url


@pytest.fixture
def demo_served(production_site, demo, settings):
    settings.DEBUG = False
    return production_site


@pytest.mark.parametrize("language", ["en", "km", "my"])
@pytest.mark.parametrize("which", ["list", "detail"])
def test_case_pages_within_budget(demo_served, browser: Browser, language, which):
    production_site = demo_served
    user = User.objects.get(username="caseworker")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    case = cases_visible_to(user, "view_case_identity").order_by("pk").first()
    assert case is not None
    path = "/cases/" if which == "list" else f"/cases/{case.pk}/"

    client = Client()
    client.force_login(user)
    context = cold_context(browser, production_site, client.cookies["sessionid"].value)
    try:
        total, responses = measure(context, production_site + path)
    finally:
        context.close()

    print(f"\n{language} {which}: {total / KB:.1f} KB")
    for url, size, encoding in responses:
        print(f"  {size / KB:7.1f} KB {encoding or '-':4} {url.removeprefix(production_site)}")
    urls = [url for url, _size, _enc in responses]
    assert production_site + path in urls
    urls = [u for u in urls if not u.startswith("data:")]
    assert not [u for u, n in Counter(urls).items() if n > 1], "an asset was fetched twice"
    # The footer's language names never pull the Chinese font (nor any other whole font).
    assert not [u for u in urls if "NotoSansSC" in u]
    # A script font is fetched only for a script the page shows (outside the switcher).
    html = client.get(path).content.decode()
    html = re.sub(r'<select id="id_language".*?</select>', "", html, flags=re.S)
    for font, (low, high) in SCRIPT_FONTS.items():
        shown = any(low <= ord(c) <= high for c in html)
        fetched = any(font in u for u in urls)
        assert fetched == shown, (font, shown, fetched)
    # Text is compressed: the page (gzip) and the static files (brotli or gzip).
    encodings = {url.removeprefix(production_site): enc for url, _s, enc in responses}
    assert encodings[path] == "gzip"
    assert all(enc in ("br", "gzip") for u, enc in encodings.items() if u.endswith((".css", ".js")))
    assert total <= BUDGET[language], f"{total / KB:.1f} KB > {BUDGET[language] / KB:.0f} KB"
