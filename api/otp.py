"""Second factor for the token endpoint. Uses django-otp when it is installed and the user
has a confirmed device; otherwise a user has no device."""

from django.apps import apps


def user_has_device(user) -> bool:
    if not apps.is_installed("django_otp"):
        return False
    from django_otp import user_has_device as has

    return has(user, confirmed=True)


def verify(user, code: str) -> bool:
    if not code or not apps.is_installed("django_otp"):
        return False
    from django_otp import match_token

    return match_token(user, code.strip()) is not None
