"""Response headers for slow links and shared phones: compression of pages, and no copy of a
signed-in page kept by the browser (docs/performance.md, "Page weight").

**Compression and BREACH.** A compressed response that holds a secret (the CSRF token, a
victim's name) next to text an attacker chooses (a search term in the URL) leaks the secret
through its length, if the attacker can make the victim's browser send many requests and
watch their sizes (BREACH). Pages are gzipped only when the request comes from our own pages
or from the user (``Sec-Fetch-Site: same-origin`` or ``none``): a request another site
triggers is ``cross-site`` and is sent uncompressed, so the attacker never gets a compressed
answer to measure. A browser that sends no ``Sec-Fetch-Site`` gets no compression. On top,
Django masks the CSRF token afresh in every response and its GZipMiddleware pads responses
with random bytes ("Heal the Breach"). Static files are compressed ahead by collectstatic
(brotli and gzip) and hold no secret.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.cache import patch_cache_control, patch_vary_headers

OWN_REQUEST = {"same-origin", "none"}


class SameOriginGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        patch_vary_headers(response, ("Sec-Fetch-Site",))
        if request.headers.get("Sec-Fetch-Site") not in OWN_REQUEST:
            return response
        return super().process_response(request, response)


class PrivatePagesMiddleware:
    """Signed-in answers are never stored by the browser or a proxy (``no-store``), unless
    the view chose its own caching. The service worker caches no page either (config/pwa.py).
    Logging out tells the browser to delete what this site stored on the phone
    (``Clear-Site-Data: "storage"``: the offline outbox, its key, the service worker's cache),
    beside the logout script that does the same (static/js/outbox.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        if request.method == "POST" and _url_name(request.path_info) == "logout":
            response["Clear-Site-Data"] = '"storage"'
        return response


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None
