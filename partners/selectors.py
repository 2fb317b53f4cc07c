from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Passkey, User
from .roles import Right, has_right


def manageable_users(admin) -> QuerySet[User]:
    """The users ``admin`` may manage: members of the admin's organisation, never staff or
    superusers (the platform's own accounts). Empty for anyone but an org admin. Rows carry
    ``has_two_factor`` (an authenticator app) and ``has_passkeys`` so that a list needs no
    query per row."""
    if not has_right(admin, Right.MANAGE_USERS):
        return User.objects.none()
    return (
        User.objects.filter(
            organization_id=admin.organization_id, is_staff=False, is_superuser=False
        )
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_passkeys=Exists(Passkey.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .order_by("username")
    )
