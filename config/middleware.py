from django.conf import settings
from django.utils import translation


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
