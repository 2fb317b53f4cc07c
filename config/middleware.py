from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """A logged-in user sees Homeward in their preferred language, on every device.

    LocaleMiddleware (before authentication) chose from the cookie or the browser; once the
    user is known, their stored preference wins. The language switcher stores it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        lang = getattr(user, "preferred_language", "") if user is not None else ""
        if user is not None and user.is_authenticated and lang in self.available:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in a query string or form field is never legitimate input, and
    PostgreSQL refuses it in text: answer 400 before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query or _has_nul(request):
            message = str(_("The request contains a NUL character, which is not allowed."))
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "invalid_input", "message": message}}, status=400
                )
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if request.method != "POST" or not request.content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return False
    return any("\x00" in v for values in request.POST.lists() for v in values[1])
