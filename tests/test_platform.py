"""Health check, login/logout and their audit, the audit log's append-only guarantee,
security headers, the demo seed, and the deployment check."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from audit.services import audit_record
from cases.models import Case
from partners.models import Organization, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_ok_with_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_503_when_the_broker_does_not_answer(client, settings):
    # Nothing listens on port 1 of this machine.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


def test_login_logout_and_failed_login_are_audited(client, caseworker):
    response = client.post(reverse("login"), {"username": "cw", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    response = client.post(reverse("login"), {"username": "cw", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    actions = list(AccessEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN, AuditAction.LOGOUT]
    failed = AccessEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail == {"username": "cw"} and failed.ip_address == "127.0.0.1"


def test_audit_events_cannot_be_changed_by_the_app(caseworker):
    event = audit_record(action=AuditAction.VIEWED_CASE, actor=caseworker)
    event.action = AuditAction.LOGOUT
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessevent SET action = 'logout'",
        "DELETE FROM audit_accessevent",
    ],
)
def test_database_trigger_refuses_update_and_delete(caseworker, sql):
    audit_record(action=AuditAction.VIEWED_CASE, actor=caseworker)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AccessEvent.objects.filter(action=AuditAction.VIEWED_CASE).count() == 1


def test_security_headers_and_csp(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_page_renders_a_usable_form(client):
    html = client.get(reverse("login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="viewport"' in html


def test_seed_demo_is_idempotent_and_users_can_log_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), Case.objects.count())
    call_command("seed_demo")
    assert counts == (Organization.objects.count(), User.objects.count(), Case.objects.count())
    assert counts[2] >= 12
    for username in ("caseworker", "coordinator", "caseworker2", "liaison", "orgadmin", "admin"):
        assert client.login(username=username, password="homeward-demo"), username
        client.logout()
    # caseworker2 (Vientiane) sees only the Vientiane NGO's cases.
    client.login(username="caseworker2", password="homeward-demo")
    html = client.get(reverse("cases:list")).content.decode()
    assert "LA-VTHOPE-" in html and "KH-PPCARE-" not in html
    # Khmer names survive as typed.
    client.login(username="caseworker", password="homeward-demo")
    assert "សុខា" in client.get(reverse("cases:list")).content.decode()


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("seed_demo")
    assert not User.objects.filter(username="caseworker").exists()


def test_check_deploy_with_production_settings_is_clean():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20 + "production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "homeward.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        # Production refuses to start without the at-rest keys (docs/security.md).
        "HOMEWARD_FIELD_KEYS": settings.FIELD_KEYS,
        "HOMEWARD_BLIND_INDEX_KEYS": settings.BLIND_INDEX_KEYS,
        "HOMEWARD_BACKUP_KEY": settings.BACKUP_KEY,
        "HOMEWARD_FILE_KEYS": settings.FILE_KEYS,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_file_is_valid():
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "POSTGRES_PASSWORD": "x",
        "HOMEWARD_FIELD_KEYS": "x",
        "HOMEWARD_BLIND_INDEX_KEYS": "x",
        "HOMEWARD_BACKUP_KEY": "x",
        "HOMEWARD_FILE_KEYS": "x",
        "MINIO_ROOT_PASSWORD": "x",
    }
    result = subprocess.run(
        ["docker-compose", "config", "-q"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
