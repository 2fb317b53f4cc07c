"""Passkeys (partners/passkeys.py) on the server side, with a software authenticator that
answers as a browser does: enrol, log in after the password, a replayed or forged assertion
refused, the signature counter checked, removal, the org admin's reset (another
organisation's admin gets 404), audit rows. Chromium's virtual authenticator drives the
same flow in tests/e2e/test_passkeys.py."""

import json

import pytest
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from partners import passkeys
from partners.models import Passkey
from tests.accounts.conftest import confirmed_device
from tests.accounts.softauthn import SoftAuthenticator, b64e
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SITE = "http://localhost:8000"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def post_json(client, name, body=None, **kwargs):
    return client.post(
        reverse(name, kwargs=kwargs or None),
        json.dumps(body or {}),
        content_type="application/json",
    )


def enrol(client, authenticator, name="My phone"):
    options = post_json(client, "passkey_register_options").json()
    return post_json(
        client,
        "passkey_register",
        {"name": name, "credential": authenticator.register(options)},
    )


def password_step(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def logged_in_user(client):
    response = client.get(reverse("account"))
    return response.wsgi_request.user if response.status_code == 200 else None


@pytest.fixture
def enrolled(client, caseworker):
    authenticator = SoftAuthenticator("localhost", SITE)
    client.force_login(caseworker)
    assert enrol(client, authenticator).status_code == 201
    client.logout()
    return authenticator


def test_enrolment_keeps_the_passkey_and_audits(client, caseworker):
    authenticator = SoftAuthenticator("localhost", SITE)
    client.force_login(caseworker)
    response = enrol(client, authenticator, name="  Phone   at the port ")
    assert response.status_code == 201
    passkey = Passkey.objects.get(user=caseworker)
    assert passkey.name == "Phone at the port"
    assert bytes(passkey.credential_id) == authenticator.credential_id
    assert AccessEvent.objects.filter(
        action=AuditAction.CHANGED, target_id=str(caseworker.pk), detail__change="passkey added"
    ).exists()
    assert "Phone at the port" in client.get(reverse("account")).content.decode()


def test_enrolment_refuses_another_origin_and_a_reused_challenge(client, caseworker):
    authenticator = SoftAuthenticator("localhost", SITE)
    client.force_login(caseworker)
    options = post_json(client, "passkey_register_options").json()
    phished = authenticator.register(options, origin="http://localhost.evil.example")
    assert (
        post_json(client, "passkey_register", {"name": "x", "credential": phished}).status_code
        == 400
    )
    # The challenge was used up by that attempt: the right answer to it is refused too.
    good = authenticator.register(options)
    assert (
        post_json(client, "passkey_register", {"name": "x", "credential": good}).status_code == 400
    )
    assert not Passkey.objects.exists()


def test_with_an_authenticator_app_enrolment_needs_a_verified_session(client, caseworker):
    confirmed_device(caseworker)
    client.force_login(caseworker)  # password only: the middleware logs it out
    assert post_json(client, "passkey_register_options").status_code in (302, 403)
    assert not Passkey.objects.exists()


def test_login_with_a_passkey_after_the_password(client, caseworker, enrolled):
    response = password_step(client, caseworker)
    assert response.url == reverse("login_code")
    page = client.get(reverse("login_code")).content.decode()
    assert "Use a passkey" in page
    assert logged_in_user(client) is None  # not before the second factor
    options = post_json(client, "login_passkey_options").json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64e(enrolled.credential_id)]
    response = post_json(client, "login_passkey", enrolled.assert_(options))
    assert response.status_code == 200, response.content
    assert logged_in_user(client) == caseworker
    assert logged_in_user(client).is_verified()
    passkey = Passkey.objects.get()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    login = AccessEvent.objects.filter(action=AuditAction.LOGIN, actor=caseworker).latest("at")
    assert login.detail == {"second_factor": "passkey"}


def test_a_replayed_assertion_is_refused(client, caseworker, enrolled):
    password_step(client, caseworker)
    options = post_json(client, "login_passkey_options").json()
    answer = enrolled.assert_(options)
    assert post_json(client, "login_passkey", answer).status_code == 200
    client.logout()
    # The same answer again, on a new login: its challenge is gone.
    password_step(client, caseworker)
    post_json(client, "login_passkey_options")
    assert post_json(client, "login_passkey", answer).status_code == 400
    assert logged_in_user(client) is None
    assert AccessEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_a_forged_or_cloned_assertion_is_refused(client, caseworker, enrolled):
    password_step(client, caseworker)
    options = post_json(client, "login_passkey_options").json()
    forger = SoftAuthenticator("localhost", SITE)
    forger.credential_id = enrolled.credential_id  # the right id, another key
    assert post_json(client, "login_passkey", forger.assert_(options)).status_code == 400

    options = post_json(client, "login_passkey_options").json()
    assert post_json(client, "login_passkey", enrolled.assert_(options)).status_code == 200
    client.logout()
    # A clone repeats the counter the server already saw.
    password_step(client, caseworker)
    options = post_json(client, "login_passkey_options").json()
    assert (
        post_json(client, "login_passkey", enrolled.assert_(options, count=False)).status_code
        == 400
    )
    assert logged_in_user(client) is None


def test_passkey_endpoints_need_the_password_step(client, enrolled):
    assert post_json(client, "login_passkey_options").status_code == 400
    assert post_json(client, "login_passkey", {"rawId": "x"}).status_code == 400


def test_removal_by_the_owner_only(client, caseworker, org, enrolled):
    from tests.factories import UserFactory

    passkey = Passkey.objects.get()
    other = UserFactory(username="cw2", organization=org)
    client.force_login(other)
    assert client.post(reverse("passkey_remove", kwargs={"pk": passkey.pk})).status_code == 404
    # The owner, logged in with the passkey (removing a factor needs a verified session).
    client.logout()
    password_step(client, caseworker)
    options = post_json(client, "login_passkey_options").json()
    post_json(client, "login_passkey", enrolled.assert_(options))
    assert client.post(reverse("passkey_remove", kwargs={"pk": passkey.pk})).status_code == 302
    assert not Passkey.objects.exists()
    assert AccessEvent.objects.filter(detail__change="passkey removed").exists()


def test_the_org_admin_resets_a_members_passkeys(
    client, caseworker, org_admin, other_admin, enrolled
):
    url = reverse(
        "organisation:user_action", kwargs={"pk": caseworker.pk, "action": "reset-passkeys"}
    )
    client.force_login(other_admin)
    assert client.get(reverse("organisation:user", kwargs={"pk": caseworker.pk})).status_code == 404
    assert client.post(url).status_code == 404
    assert Passkey.objects.exists()
    client.force_login(org_admin)
    page = client.get(reverse("organisation:user", kwargs={"pk": caseworker.pk})).content.decode()
    assert "Reset passkeys" in page
    assert client.post(url).status_code == 302
    assert not Passkey.objects.filter(user=caseworker).exists()
    event = AccessEvent.objects.get(detail__change="passkeys reset")
    assert event.actor == org_admin and event.target_id == str(caseworker.pk)
    # With no second factor left, the password alone logs in again (or the role's rule asks
    # for a new enrolment).
    client.logout()
    assert password_step(client, caseworker).url != reverse("login_code")


def test_rp_id_and_origin_come_from_settings(settings):
    settings.SITE_URL = "https://homeward.example.org/"
    assert passkeys.rp_id() == "homeward.example.org"
    assert passkeys.origin() == "https://homeward.example.org"
    settings.WEBAUTHN_RP_ID = "example.org"
    assert passkeys.rp_id() == "example.org"
