"""Lockout after repeated failures (django-axes) and its unlock; idle timeout; logout
everywhere when the password changes; the password change page."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from partners.middleware import ACTIVITY_WRITE_EVERY, LAST_ACTIVITY_KEY
from tests.accounts.conftest import code_for, confirmed_device
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_with_a_clear_message(client, caseworker, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        response = _login(client, "cw", "wrong")
        assert response.status_code == 200
    response = _login(client, "cw", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "locked after 5 failed login attempts" in html and "30 minutes" in html
    # Even the right password is refused now, and audited as a failure.
    response = _login(client, "cw")
    assert response.status_code == 429
    assert client.get(reverse("account")).status_code == 302
    assert AccessEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 6
    assert not AccessEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_wrong_codes_count_towards_the_lockout(client, caseworker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = confirmed_device(caseworker)
    _login(client, "cw")
    for _ in range(2):
        assert client.post(reverse("login_code"), {"otp_token": "111111"}).status_code == 200
    assert client.post(reverse("login_code"), {"otp_token": "111111"}).status_code == 429
    # Locked: a right password and code do not get in.
    assert _login(client, "cw").status_code == 429
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    response = client.post(reverse("login_code"), {"otp_token": code_for(device)})
    assert client.get(reverse("account")).status_code == 302, response


def test_admin_action_unlocks(client, admin_client, caseworker, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "cw", "wrong")
    assert _login(client, "cw", "wrong").status_code == 429
    assert AccessAttempt.objects.exists()
    assert "unlock_login" in admin_site._registry[type(caseworker)].actions
    response = admin_client.post(
        reverse("admin:partners_user_changelist"),
        {"action": "unlock_login", "_selected_action": [caseworker.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(client, "cw").status_code == 302
    assert AccessEvent.objects.filter(detail__change="unlocked", target_id=str(caseworker.pk))


def test_failed_attempts_are_kept_in_axes_admin(admin_client, client, caseworker):
    _login(client, "cw", "wrong")
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200 and "cw" in response.content.decode()
    # The password tried is never stored.
    assert "wrong" not in AccessAttempt.objects.get().post_data


def test_idle_session_is_logged_out_on_the_next_request(client, caseworker, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    _login(client, "cw")
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    # Still within the timeout: the page answers and the clock restarts.
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5

    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=%2Fcases%2F"
    page = client.get(response.url).content.decode()
    assert "logged out after 30 minutes without activity" in page
    assert client.get(reverse("account")).status_code == 302
    assert AccessEvent.objects.filter(action=AuditAction.LOGOUT, actor=caseworker).exists()


def test_activity_is_written_at_most_once_a_minute(client, caseworker):
    """No session write (and so no extra query) on every page."""
    _login(client, "cw")
    first = client.session[LAST_ACTIVITY_KEY]
    session = client.session
    session[LAST_ACTIVITY_KEY] = first - (ACTIVITY_WRITE_EVERY - 5)
    session.save()
    client.get(reverse("cases:list"))
    assert client.session[LAST_ACTIVITY_KEY] == first - (ACTIVITY_WRITE_EVERY - 5)


def test_background_requests_do_not_keep_a_session_alive(client, caseworker):
    _login(client, "cw")
    session = client.session
    stale = int(time.time()) - 10 * 60
    session[LAST_ACTIVITY_KEY] = stale
    session.save()
    client.get(reverse("cases:list"), headers={"X-Homeward-Background": "1"})
    assert client.session[LAST_ACTIVITY_KEY] == stale


def test_password_change_logs_out_every_other_session(caseworker):
    here, elsewhere = Client(), Client()
    _login(here, "cw")
    _login(elsewhere, "cw")
    assert elsewhere.get(reverse("cases:list")).status_code == 200
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-77",
            "new_password2": "a-brand-new-passphrase-77",
        },
    )
    assert response.status_code == 302 and response.url == reverse("account")
    assert here.get(reverse("cases:list")).status_code == 200
    response = elsewhere.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert AccessEvent.objects.filter(detail__change="password changed").count() == 1


def test_password_change_applies_the_validators(client, caseworker):
    _login(client, "cw")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_deactivated_user_session_ends_at_once(client, org):
    user = UserFactory(username="leaver", organization=org)
    _login(client, "leaver")
    user.is_active = False
    user.save()
    assert client.get(reverse("cases:list")).status_code == 302


def test_idle_htmx_request_is_sent_to_login(client, caseworker):
    _login(client, "cw")
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 3 * 3600
    session.save()
    response = client.get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")
    assert client.get(reverse("account")).status_code == 302
