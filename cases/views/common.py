"""Helpers shared by the case views."""

from __future__ import annotations

from django.http import HttpRequest

from partners.models import User

from .. import access
from ..models import Case

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _region(user) -> str | None:
    org = getattr(user, "organization", None)
    return str(org.country) if org else None


def _case(request: HttpRequest, pk: int, perm: str = access.VIEW) -> Case:
    """The case through the one door: 404 if the user may not see it, 403 if they may see
    it but not do ``perm``."""
    return access.case_for(
        request.user,
        pk,
        perm,
        queryset=Case.objects.select_related(
            "person", "owner_organization", "assigned_to", "group", "status_changed_by"
        ),
    )
