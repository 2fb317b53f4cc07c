"""Two-factor authentication: enrolment by QR code and secret, login in two steps, refusal
without the code, enforcement per role, backup codes used once."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent, AuditAction
from partners import twofactor
from tests.accounts.conftest import code_for, confirmed_device
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _logged_in_as(client):
    response = client.get(reverse("account"))
    return response.status_code == 200 and response.wsgi_request.user.username


def test_enrolment_shows_qr_and_secret_then_confirms_with_a_code(client, caseworker):
    client.force_login(caseworker)
    html = client.get(reverse("two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    assert twofactor.secret_for_display(device).replace(" ", "") == secret
    # A reload shows the same secret (the phone has scanned it already).
    assert secret in client.get(reverse("two_factor_setup")).content.decode().replace(" ", "")

    wrong = client.post(reverse("two_factor_setup"), {"otp_token": "000000"})
    assert "not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0  # django-otp delays the attempt after a failure
    device.save()
    response = client.post(reverse("two_factor_setup"), {"otp_token": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == twofactor.BACKUP_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=caseworker).count() == 10
    assert AccessEvent.objects.filter(
        action=AuditAction.CHANGED,
        target_id=str(caseworker.pk),
        detail__change="two-factor enrolled",
    ).exists()


def test_user_with_a_device_needs_the_code_after_the_password(client, caseworker):
    device = confirmed_device(caseworker)
    response = _password_step(client, "cw")
    assert response.status_code == 302 and response.url == reverse("login_code")
    # Not logged in between the two steps.
    assert client.get(reverse("account")).status_code == 302
    assert not AccessEvent.objects.filter(action=AuditAction.LOGIN).exists()

    response = client.post(reverse("login_code"), {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert _logged_in_as(client) == "cw"
    assert AccessEvent.objects.filter(action=AuditAction.LOGIN, actor=caseworker).count() == 1
    # The same code cannot open a second session.
    other = client.__class__()
    _password_step(other, "cw")
    response = other.post(reverse("login_code"), {"otp_token": code_for(device)})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert other.get(reverse("account")).status_code == 302


def test_wrong_code_is_refused_and_audited_as_a_failed_login(client, caseworker):
    confirmed_device(caseworker)
    _password_step(client, "cw")
    response = client.post(reverse("login_code"), {"otp_token": "123456"})
    assert response.status_code == 200
    assert client.get(reverse("account")).status_code == 302
    failed = AccessEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail == {"username": "cw"}


def test_code_step_without_a_password_step_goes_back_to_login(client, caseworker):
    device = confirmed_device(caseworker)
    response = client.post(reverse("login_code"), {"otp_token": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("account")).status_code == 302


def test_a_pending_login_expires(client, caseworker, settings):
    device = confirmed_device(caseworker)
    settings.OTP_LOGIN_TIMEOUT_SECONDS = 300
    _password_step(client, "cw")
    session = client.session
    session[twofactor.PENDING_LOGIN_KEY]["at"] -= 301
    session.save()
    response = client.post(reverse("login_code"), {"otp_token": code_for(device)})
    assert response.url == reverse("login")
    assert client.get(reverse("account")).status_code == 302


def test_backup_code_works_once(client, caseworker):
    confirmed_device(caseworker)
    codes = twofactor.backup_codes_regenerate(user=caseworker)
    _password_step(client, "cw")
    response = client.post(reverse("login_code"), {"otp_token": codes[0].upper()})
    assert response.status_code == 302
    assert _logged_in_as(client) == "cw"
    client.post(reverse("logout"))

    _password_step(client, "cw")
    response = client.post(reverse("login_code"), {"otp_token": codes[0]})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert client.get(reverse("account")).status_code == 302
    assert twofactor.backup_codes_left(caseworker) == 9


def test_required_role_without_a_device_reaches_only_enrolment(client, coordinator, enforce_2fa):
    response = _password_step(client, "coord")
    assert response.status_code == 302
    for url in (reverse("home"), reverse("cases:list"), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("two_factor_setup"), url
    # htmx requests are told where to go too.
    response = client.get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("two_factor_setup")
    assert client.get(reverse("two_factor_setup")).status_code == 200

    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    client.post(reverse("two_factor_setup"), {"otp_token": code_for(device)})
    assert client.get(reverse("cases:list")).status_code == 200
    # Next time: password and code.
    client.post(reverse("logout"))
    response = _password_step(client, "coord")
    assert response.url == reverse("login_code")
    client.post(reverse("login_code"), {"otp_token": code_for(device, steps_ahead=1)})
    assert client.get(reverse("cases:list")).status_code == 200


def test_roles_not_listed_log_in_with_a_password(client, caseworker, enforce_2fa):
    _password_step(client, "cw")
    assert client.get(reverse("cases:list")).status_code == 200


def test_everyone_when_required_for_all(client, caseworker, settings):
    settings.OTP_REQUIRED_ROLES = []
    settings.OTP_REQUIRED_FOR_ALL = True
    _password_step(client, "cw")
    assert client.get(reverse("cases:list")).url == reverse("two_factor_setup")


def test_test_settings_require_nobody(settings):
    # The general suite (and other apps' browser tests) log in with a password only.
    assert settings.OTP_REQUIRED_ROLES == [] and not settings.OTP_REQUIRED_FOR_ALL


def test_session_opened_without_the_code_of_an_enrolled_user_is_closed(client, caseworker):
    """Any login path but ours (here the test client's force_login) leaves an enrolled user
    unverified: the first request logs them out."""
    confirmed_device(caseworker)
    client.force_login(caseworker)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("account")).status_code == 302


def test_admin_login_goes_through_our_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/"


def test_new_backup_codes_need_a_verified_session(client, caseworker):
    device = confirmed_device(caseworker)
    old = twofactor.backup_codes_regenerate(user=caseworker)
    _password_step(client, "cw")
    client.post(reverse("login_code"), {"otp_token": code_for(device)})
    response = client.post(reverse("two_factor_backup_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_demo_gives_required_roles_a_known_authenticator(client, settings, capsys):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    settings.OTP_REQUIRED_ROLES = ["coordinator", "org_admin"]
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    assert TOTPDevice.objects.filter(user__username="coordinator").count() == 1
    assert not TOTPDevice.objects.filter(user__username="caseworker").exists()
    out = StringIO()
    call_command("demo_otp_code", "coordinator", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client.post(reverse("login"), {"username": "coordinator", "password": "homeward-demo"})
    client.post(reverse("login_code"), {"otp_token": code})
    assert client.get(reverse("cases:list")).status_code == 200

    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG"):
        call_command("demo_otp_code", "coordinator")


def test_django_admin_does_not_show_secrets_or_backup_codes(admin_client, caseworker):
    device = confirmed_device(caseworker)
    codes = twofactor.backup_codes_regenerate(user=caseworker)
    html = admin_client.get(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    ).content.decode()
    assert device.key not in html
    static = StaticToken.objects.first().device
    html = admin_client.get(
        reverse("admin:otp_static_staticdevice_change", args=[static.pk])
    ).content.decode()
    assert not any(code in html for code in codes)
