"""Issue 16 item 18: `make run` for a newcomer — port, SITE_URL, a quiet seed, a full banner."""

import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.management.commands.seed_demo import USERS

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}


@pytest.mark.django_db(transaction=True)
def test_seed_demo_prints_no_emails_before_the_banner(settings, capsys):
    settings.DEBUG = True
    settings.MAILERS = CONSOLE
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = capsys.readouterr().out + out.getvalue()
    assert "Demo ready" in printed
    assert "Subject:" not in printed and "Content-Type" not in printed
    assert "demo notification emails were not printed" in printed


def test_logins_list_every_demo_user_and_mark_two_factor(settings):
    settings.OTP_REQUIRED_ROLES = ["coordinator", "org_admin"]
    out = StringIO()
    call_command("seed_demo", "--logins", stdout=out)
    lines = out.getvalue().splitlines()
    names = [line.split()[0] for line in lines]
    assert names == [u[0] for u in USERS] + ["admin"]
    marked = {line.split()[0] for line in lines if line.endswith("2FA")}
    assert marked == {u[0] for u in USERS if u[4] in ("coordinator", "org_admin")}
    assert "coordinator" in marked and "caseworker" not in marked


def test_banner_says_port_and_how_coordinators_get_the_code():
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": "8001"}
    banner = subprocess.run(
        [str(ROOT / "scripts/demo-logins.sh")], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "http://127.0.0.1:8001" in banner and "make run PORT=" in banner
    assert "demo_otp_code coordinator" in banner
    for username, *_ in USERS:
        assert f"    {username} " in banner


def test_make_run_site_url_follows_the_port():
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8001"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "SITE_URL=http://127.0.0.1:8001" in dry and "runserver 127.0.0.1:8001" in dry
    assert "make run PORT=8001" in (ROOT / "README.md").read_text()
