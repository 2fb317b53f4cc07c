"""Installable and offline-capable (docs/performance.md, "Offline").

- ``/manifest.webmanifest``: the web app manifest (name, icons, start page).
- ``/sw.js``: the service worker, at the site root so that its scope is the whole site. Its
  code is ``static/js/sw.js``; this view puts in front of it the list of static files to keep
  (with their hashed names) and the offline pages, and imports ``static/js/sw-push.js`` (push
  notifications) when it exists.
- ``/offline/`` and ``/offline/intake/``: the offline shell and the intake form as the service
  worker keeps them. They are rendered **without identity**: no user name, no messages, no
  CSRF token, nothing of a case; the worker stores no other page.
- ``/offline/token/``: a fresh CSRF token for the outbox (static/js/outbox.js), which sends what
  was saved without signal to the API when it returns.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# What the service worker keeps at install: the files every page needs. Fonts are kept when
# a page first needs them (each only for its script).
ASSETS = (
    "css/homeward.css",
    "css/fonts.css",
    "js/htmx.min.js",
    "js/homeward.js",
    "js/outbox.js",
    "img/icon-192.png",
)
PUSH_HANDLER = "js/sw-push.js"


def _static(name: str) -> str:
    try:
        return static(name)
    except ValueError:  # production storage, file not collected (e.g. no push handler yet)
        return "/static/" + name


@cache
def _worker_source() -> str:
    path = finders.find("js/sw.js")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as f:
        return f.read()


def _offline_urls() -> dict[str, str]:
    return {"shell": reverse("pwa:offline"), "intake": reverse("pwa:offline_intake")}


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    assets = [_static(name) for name in ASSETS]
    config = {
        "assets": assets,
        # Hashed names never change content: cache first. Plain names (development): network first.
        "hashed": assets[0] != "/static/" + ASSETS[0],
        "static": "/static/",
        "offline": _offline_urls(),
        "intake": reverse("cases:intake"),
        "push": _static(PUSH_HANDLER) if finders.find(PUSH_HANDLER) else "",
    }
    source = _worker_source()
    config["version"] = hashlib.sha256(
        (json.dumps(config, sort_keys=True) + source).encode()
    ).hexdigest()[:16]
    body = f"self.HOMEWARD = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Homeward"),
        "short_name": _("Homeward"),
        "description": _("Case management for partners answering human trafficking."),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b5e7e",
        "icons": [
            {"src": _static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": _static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": _static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache"
    return response


def without_identity(extra: dict) -> dict:
    """Context that hides who is signed in: the page is kept on the phone."""
    return {
        "user": AnonymousUser(),
        "messages": [],
        "csrf_token": "",
        "offline_copy": True,
        **extra,
    }


def private_copy(response: HttpResponse) -> HttpResponse:
    # Fetched by the service worker only; never by a shared cache.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return private_copy(render(request, "pwa/offline.html", without_identity({})))


@never_cache
@require_GET
def token(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=403)
    return JsonResponse({"signed_in": True, "csrf_token": get_token(request)})


def outbox_context(request: HttpRequest) -> dict:
    """Context processor: the outbox's texts and addresses for static/js/outbox.js, as a JSON
    data block in every page's head. Every language of Homeward has at most two plural forms
    (one, and other for English), so the texts for 1 and for 2 serve every count."""

    def both(singular: str, plural: str) -> dict[str, str]:
        return {"one": ngettext(singular, plural, 1), "other": ngettext(singular, plural, 2)}

    def data() -> dict:
        return {
            "waiting": both("%(count)s waiting to send", "%(count)s waiting to send"),
            "failed": both(
                "%(count)s could not be sent: open the offline page to see why",
                "%(count)s could not be sent: open the offline page to see why",
            ),
            "saved": _("Saved on this phone. It will be sent when the signal returns."),
            "sent": _("Everything saved on this phone has been sent."),
            "signin": _("Log in again to send what waits on this phone."),
            "logout": both(
                "%(count)s waiting to send will be deleted from this phone. Log out anyway?",
                "%(count)s waiting to send will be deleted from this phone. Log out anyway?",
            ),
            "call": _("Distress call"),
            "note": _("Note"),
            "discard": _("Discard"),
            "urls": {
                "sw": reverse("pwa:service_worker"),
                "token": reverse("pwa:token"),
                "logout": reverse("logout"),
                "calls": reverse("api:call-list"),
                "offline": _offline_urls(),
            },
        }

    return {"outbox_config": data}
