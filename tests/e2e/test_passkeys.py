"""In Chromium, with its WebAuthn virtual authenticator (DevTools protocol): a caseworker adds
a passkey on the account page, logs out, and logs in with the password and the passkey."""

import re

import pytest
from playwright.sync_api import Page, expect

from partners.models import Passkey
from tests.e2e.conftest import login, logout
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_passkey_enrolment_and_login(live_server, settings, page: Page):
    # The relying party is the site: http://localhost:<port> (a secure context for WebAuthn).
    settings.SITE_URL = live_server.url
    assert live_server.url.startswith("http://localhost:")
    org = OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")
    user = UserFactory(username="sreymom", organization=org)
    script_errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            script_errors.append(m.text)
            if "Content Security Policy" in m.text and "script-src" in m.text
            else None
        ),
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    page.set_viewport_size({"width": 390, "height": 800})
    login(page, live_server.url, "sreymom", PASSWORD)
    page.goto(live_server.url + "/accounts/")
    page.get_by_label("Name of the new passkey").fill("Phone at the port")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("status").first).to_contain_text("Passkey added")
    expect(page.locator("#passkeys")).to_contain_text("Phone at the port")
    passkey = Passkey.objects.get(user=user)
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    assert credential["rpId"] == "localhost"

    logout(page)
    login(page, live_server.url, "sreymom", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login"))
    page.goto(live_server.url + "/accounts/")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    # The server keeps the authenticator's counter.
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    assert passkey.sign_count == credential["signCount"] >= 1
    assert not script_errors
