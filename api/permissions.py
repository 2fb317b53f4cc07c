from rest_framework.permissions import BasePermission


class IsOrganisationMember(BasePermission):
    """Every endpoint needs an active user of a partner organisation. What they may do to a
    case is decided per object by cases.access, never here."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and getattr(user, "organization_id", None)
        )
