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
