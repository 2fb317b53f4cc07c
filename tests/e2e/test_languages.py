"""Homeward in seven languages: the main pages in each language show no English leftovers in
the navigation and the headings. Screenshots land in test-results/i18n/ (not committed)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from cases.models import Case
from partners.models import User
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "i18n"
LANGUAGES = ["km", "th", "vi", "lo", "my", "zh-hans"]
# Not language: the product's name, codes and data (references, names of organisations).
REFERENCE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]+-\d{4}-\d{5}\b")
ALLOWED = {"Homeward", ""}


def _texts(page: Page) -> list[str]:
    texts = page.locator("nav.main-nav a, main h1, main h2").all_inner_texts()
    return [" ".join(t.split()) for t in texts]


def _is_data(text: str, case: Case) -> bool:
    return bool(REFERENCE.search(text)) or text in ALLOWED or case.owner_organization.name in text


def _pages(base: str, case: Case) -> dict[str, str]:
    return {
        "case-list": f"{base}/cases/",
        "intake": f"{base}/cases/intake/",
        "case-detail": f"{base}/cases/{case.pk}/",
        "my-repatriations": f"{base}/repatriation/",
    }


def test_main_pages_in_every_language(live_server, demo, page: Page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    case = Case.objects.get(person__given_name_latin="Sopheap", person__family_name_latin="Ly")
    user = User.objects.get(username="coordinator")
    base = live_server.url

    # English first: what an untranslated page would show.
    page.goto(base + "/accounts/login/")
    english = {"login": _texts(page) + page.locator("label").all_inner_texts()}
    login(page, base, "coordinator")
    for name, url in _pages(base, case).items():
        page.goto(url)
        english[name] = _texts(page)
        assert english[name], f"no navigation or headings found on {name}"
    english_all = {t for texts in english.values() for t in texts}
    page.get_by_role("button", name="Log out").click()

    for lang in LANGUAGES:
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
        page.goto(base + "/accounts/login/")
        assert page.locator("html").get_attribute("lang") == lang
        leftovers = [t for t in _texts(page) + page.locator("label").all_inner_texts()
                     if t in english_all and not _is_data(t, case)]
        page.screenshot(path=str(SHOTS / f"{lang}-login.png"), full_page=True)
        assert not leftovers, f"{lang} login: English left: {leftovers}"

        User.objects.filter(pk=user.pk).update(preferred_language=lang)
        page.goto(base + "/accounts/login/")
        page.locator("#id_username").fill("coordinator")
        page.locator("#id_password").fill("homeward-demo")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        for name, url in _pages(base, case).items():
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == lang, name
            texts = _texts(page)
            leftovers = [t for t in texts if t in english_all and not _is_data(t, case)]
            page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)
            assert not leftovers, f"{lang} {name}: English left: {leftovers}"
        page.context.clear_cookies()
