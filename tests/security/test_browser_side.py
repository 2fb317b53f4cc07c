"""Browser-side: a Content Security Policy without inline script on every page and htmx
fragment; no inline script or event handler in any template; HSTS, frame denial, referrer
policy and secure cookies under the production settings; CSRF refused on every POST without
a token, forms and htmx alike."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.security import walker
from tests.security.world import build_world, kwargs_ids

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
HTMX = {"HTTP_HX_REQUEST": "true"}
OWNER_USERS = ("owner_coordinator", "owner_caseworker", "owner_org_admin", "referred_pending")


@pytest.fixture
def world(db):
    return build_world()


def _url(world, name, found=None):
    route = walker.ROUTES[name]
    extra = {"format": "json"} if found is not None and "format" in found.kwarg_names else {}
    return reverse(name, kwargs=route.kwargs(world, extra) or None)


def _pages(client, world):
    """Every HTML page of the scoped apps the owner side can open, full page and htmx."""
    for found in walker.scoped_routes():
        route = walker.ROUTES.get(found.name)
        if route is None or route.kind == walker.PUBLIC or found.name.startswith("api:"):
            continue
        url = _url(world, found.name, found)
        for user in OWNER_USERS:
            client.force_login(world.users[user])
            response = client.get(url)
            # Pages only: a file (an attachment's download or preview) has its own, stricter
            # sandboxing policy (tests/documents/test_pages.py).
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                yield found.name, url, response
                yield found.name + " (htmx)", url, client.get(url, **HTMX)
                break


def _script_src(csp: str) -> str:
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    return directives.get("script-src") or directives.get("default-src", "")


def test_csp_forbids_inline_script_on_every_page_and_fragment(client, world):
    seen = 0
    for name, url, response in _pages(client, world):
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp, f"{name} ({url}) has no Content-Security-Policy"
        script_src = _script_src(csp)
        assert script_src == "'self'", f"{name}: script-src {script_src!r}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, name
        seen += 1
    assert seen >= 30, "the walk reached the pages"


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (use a static file)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "hx-on attribute (evaluated as script)"),
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute (CSP style-src 'self')"),
    (re.compile(r"{%\s*autoescape\s+off"), "autoescape off"),
    (re.compile(r"\|\s*safe\b"), "|safe"),
]
# Reviewed exceptions: (template path relative to the project, pattern description).
ALLOWED = {
    # Django's password validators' help text is HTML written by Django, never user input.
    ("templates/accounts/partials/form_fields.html", "|safe"),
}


def test_no_inline_script_or_handler_in_any_template():
    templates = [p for d in TEMPLATE_DIRS if d.is_dir() for p in d.rglob("*.html")]
    assert len(templates) > 40
    found = []
    for path in templates:
        text = path.read_text()
        rel = str(path.relative_to(ROOT))
        for pattern, what in INLINE:
            if pattern.search(text) and (rel, what) not in ALLOWED:
                found.append(f"{rel}: {what}")
    assert not found, "\n".join(found)


def _production_settings() -> dict:
    env: dict[str, str] = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 20 + "production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "homeward.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        # Production refuses to start without the keys of data at rest (docs/security.md).
        "HOMEWARD_FIELD_KEYS": str(settings.FIELD_KEYS),
        "HOMEWARD_BLIND_INDEX_KEYS": str(settings.BLIND_INDEX_KEYS),
        "HOMEWARD_BACKUP_KEY": str(settings.BACKUP_KEY),
        "HOMEWARD_FILE_KEYS": str(settings.FILE_KEYS),
    }
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_CSP",
    ]
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_harden_the_browser(client, caseworker):
    prod = _production_settings()
    assert prod["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and prod["SECURE_SSL_REDIRECT"]
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SESSION_COOKIE_HTTPONLY"]
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    # The same values, applied to real requests over HTTPS.
    applied = {k: v for k, v in prod.items() if k not in ("SECURE_CSP", "SECURE_SSL_REDIRECT")}
    with override_settings(**applied):
        response = client.post(
            reverse("login"),
            {"username": caseworker.username, "password": "a-test-password-1234"},
            secure=True,
        )
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
        page = client.get(reverse("cases:list"), secure=True)
        assert page.status_code == 200
        hsts = page.headers["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_csrf_is_enforced_on_every_post(world):
    """Every scoped route that accepts POST from a logged-in member refuses it without the
    CSRF token (403), as a form and as an htmx request; with the token it is accepted."""
    strict = Client(enforce_csrf_checks=True)
    checked = []
    ids = kwargs_ids(world)
    assert ids
    for found in walker.scoped_routes():
        route = walker.ROUTES.get(found.name)
        if route is None or route.kind == walker.PUBLIC:
            continue
        url = _url(world, found.name, found)
        api = found.name.startswith("api:")
        for user in ("owner_coordinator", "owner_caseworker", "owner_org_admin"):
            strict.force_login(world.users[user])
            if api:
                response = strict.post(url, data="{}", content_type="application/json")
            else:
                response = strict.post(url, {}, **HTMX)
            if response.status_code == 405:
                break  # the route takes no POST
            assert response.status_code == 403, (found.name, user, response.status_code)
            body = response.content.decode()
            assert "CSRF" in body, (found.name, body[:200])
            checked.append(found.name)
            break
    assert len(checked) >= 25, checked
    # The refusal is CSRF's, not the access module's: the same request with the token passes.
    strict.force_login(world.users["owner_caseworker"])
    page = strict.get(reverse("cases:detail", kwargs={"pk": world.case.pk}))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or strict.cookies["csrftoken"].value
    response = strict.post(
        reverse("cases:note_add", kwargs={"pk": world.case.pk}),
        {"body": "with token", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
