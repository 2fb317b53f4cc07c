"""The main pages in each language, in a real browser: no English left in the main navigation
and the headings, and a screenshot of each page (test-results/i18n/<lang>-<page>.png, an
artifact that is not committed).

English leftovers: a nav link or h1/h2 whose text is the same as on the English page and
contains a word of the English source strings (names, references and "Homeward" stay as
they are in every language and are not leftovers)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from cases.models import Case
from partners.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["km", "th", "vi", "lo", "my", "zh-hans"]
SHOTS = Path(settings.BASE_DIR) / "test-results" / "i18n"
USERNAME = "coordinator"  # sees the case list, intake, case pages and "My repatriations"
NOT_LANGUAGE = {"homeward"}
REFERENCE = r"\b[A-Z]{2}-[A-Z0-9]+-\d{4}-\d+\b"


def _english_words() -> set[str]:
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale/km/LC_MESSAGES/django.po"))
    words: set[str] = set()
    for entry in po:
        # (An example case reference in a message, KH-PPCARE-2026-00042, is not English.)
        text = re.sub(REFERENCE, " ", entry.msgid)
        text = re.sub(r"%\([^)]*\)[sdif]|\{[^}]*\}|<[^>]*>", " ", text)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", text))
    return words - NOT_LANGUAGE


def _labels(page: Page) -> list[str]:
    texts = page.locator("nav.main-nav a, h1, h2").all_inner_texts()
    return [" ".join(t.split()) for t in texts if t.strip()]


def _visit(browser: Browser, base: str, lang: str, case: Case) -> dict[str, list[str]]:
    """Log in with ``lang`` stored as the user's language; load and shoot each page."""
    User.objects.filter(username=USERNAME).update(preferred_language=lang)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}]  # login page
    )
    page = context.new_page()
    seen: dict[str, list[str]] = {}

    def shoot(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.evaluate("document.fonts.ready")
        seen[name] = _labels(page)
        page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)

    page.goto(base + "/accounts/login/")
    shoot("login")
    page.locator("input[name=username]").fill(USERNAME)
    page.locator("input[name=password]").fill("homeward-demo")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    for name, path in (
        ("case-list", reverse("cases:list")),
        ("intake", reverse("cases:intake")),
        ("case-detail", case.get_absolute_url()),
        ("my-repatriations", reverse("repatriation:mine")),
    ):
        page.goto(base + path)
        shoot(name)
    context.close()
    return seen


def test_main_pages_have_no_english_leftovers_in_each_language(
    live_server, demo, browser, settings
):
    settings.OTP_REQUIRED_ROLES = []  # the coordinator logs in with a password only here
    SHOTS.mkdir(parents=True, exist_ok=True)
    user = User.objects.get(username=USERNAME)
    case = Case.objects.filter(owner_organization=user.organization).order_by("pk").first()
    assert case is not None
    english = _visit(browser, live_server.url, "en", case)
    assert "Cases" in english["case-list"]  # the check below compares with real English
    words = _english_words()

    leftovers = []
    for lang in LANGUAGES:
        for page_name, labels in _visit(browser, live_server.url, lang, case).items():
            assert labels, f"{lang} {page_name}: no navigation or heading found"
            for text in labels:
                same = text in english[page_name]
                english_words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} & words
                if same and english_words:
                    leftovers.append(f"{lang} {page_name}: {text!r}")
            assert (SHOTS / f"{lang}-{page_name}.png").stat().st_size > 0
    assert not leftovers, "English left in navigation or headings:\n" + "\n".join(leftovers)
