from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .models import User


class OrganizationModelBackend(ModelBackend):
    """Django's model backend, loading the user's organisation in the same query: every page
    shows it and every access check needs it."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every login that comes with a request.

    Every login form (ours, the admin's — which redirects to ours) passes the request.
    Without one (the test client's ``login()``, a shell) there is no client to count
    failures for, so the check is skipped rather than raising as axes does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
