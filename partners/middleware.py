"""Session rules that apply to every request: the idle timeout and two-factor enforcement.

Both read only the session (already loaded by the auth middleware), so they add no query to
an ordinary page; the idle clock is written at most once a minute."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "homeward_last_activity"
# Writing the session on every request would cost a query per page; a minute's precision is
# plenty for a 30-minute timeout.
ACTIVITY_WRITE_EVERY = 60
# Requests that are not a person's activity (background polling) send this header so that they
# do not keep an unattended session alive.
BACKGROUND_HEADER = "X-Homeward-Background"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _login_url(request: HttpRequest) -> str:
    url = reverse("login")
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SessionIdleTimeoutMiddleware:
    """Log out a session left idle for SESSION_IDLE_TIMEOUT_SECONDS; the next request lands on
    the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        last = session.get(LAST_ACTIVITY_KEY)
        now = int(time.time())
        if last is None:
            if SESSION_KEY in session:  # a session from before this rule: start its clock
                session[LAST_ACTIVITY_KEY] = now
        elif now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            logout(request)
            minutes = max(1, settings.SESSION_IDLE_TIMEOUT_SECONDS // 60)
            messages.info(
                request,
                _("You were logged out after %(minutes)d minutes without activity.")
                % {"minutes": minutes},
            )
            return _redirect(request, _login_url(request))
        elif now - last >= ACTIVITY_WRITE_EVERY and not request.headers.get(BACKGROUND_HEADER):
            session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class TwoFactorEnforcementMiddleware:
    """A user whose role needs two factors and who has none reaches only the set-up page (and
    logout) until enrolled. A session that was opened without the code of an enrolled user
    (any login path other than ours) is closed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from . import twofactor

        obligation = request.session.get(twofactor.OBLIGATION_KEY)
        if obligation and request.user.is_authenticated:
            if obligation == twofactor.VERIFY:
                logout(request)
                messages.info(request, _("Log in with your password and your code."))
                return _redirect(request, reverse("login"))
            if obligation == twofactor.ENROL and not self._exempt(request.path):
                if request.headers.get(BACKGROUND_HEADER):
                    # Background polling (the bell) must not navigate away from the set-up
                    # page the person is on: it simply gets nothing.
                    return HttpResponse(status=204)
                messages.info(
                    request,
                    _("Your role needs two-factor authentication. Set it up to continue."),
                )
                return _redirect(request, reverse("two_factor_setup"))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (
            reverse("two_factor_setup"),
            reverse("logout"),
            reverse("login"),
            reverse("healthz"),
        )
        return path in allowed or path.startswith((settings.STATIC_URL, "/i18n/"))
