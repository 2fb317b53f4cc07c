from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.translation import get_language_info

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_has_a_language_switcher_and_lang_attribute(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert 'action="/i18n/setlang/"' in html
    # Each language is offered in its own script (Khmer and Lao names are set by Homeward).
    names = {"km": "ខ្មែរ", "lo": "ລາວ"}
    for code in ("km", "th", "lo", "my", "vi", "zh-hans"):
        name = names.get(code) or get_language_info(code)["name_local"]
        assert f'value="{code}"' in html and name in html
        assert not name.isascii()


def test_switching_language_is_stored_for_a_logged_in_user(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("set_language"), {"language": "km", "next": "/cases/"})
    assert response.status_code == 302 and response.url == "/cases/"
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "km"
    # Another device (a fresh session, no cookie) gets the stored preference.
    client.logout()
    other = client.__class__()
    other.force_login(caseworker)
    assert '<html lang="km">' in other.get(reverse("cases:list")).content.decode()


def test_unknown_language_is_ignored(client, caseworker):
    client.force_login(caseworker)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "en"


def test_anonymous_switch_sets_the_cookie(client):
    client.post(reverse("set_language"), {"language": "th", "next": "/accounts/login/"})
    assert '<html lang="th">' in client.get(reverse("login")).content.decode()


def test_fonts_for_every_script_are_served_from_static(client):
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "fonts.css").read_text()
    for family in ("Khmer", "Thai", "Lao", "Myanmar", "SC"):
        assert f'"Homeward {family}"' in css
    for url in ("/static/fonts/NotoSansKhmer-Regular.woff2", "/static/css/fonts.css"):
        response = client.get(url)
        assert response.status_code == 200, url


def test_user_language_is_not_changed_by_the_browser(client):
    user = UserFactory(username="vi-user", preferred_language="vi")
    client.force_login(user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<html lang="vi">' in html
