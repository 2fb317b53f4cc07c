"""Reads of cases. Every list starts from cases.access.cases_visible_to()."""

from __future__ import annotations

from django.db.models import QuerySet

from . import access
from .models import Case


def case_list(user: access.AnyUser, *, q: str = "") -> QuerySet[Case]:
    """The case list: visible cases with what a row shows, newest activity first.

    The query count does not depend on the page size: person, owner and assignee are joined,
    identity permission is annotated per row (see access.cases_visible_to)."""
    qs = access.cases_visible_to(user, access.VIEW).select_related(
        "person", "owner_organization", "assigned_to"
    )
    q = q.strip()
    if q:
        qs = qs.filter(reference__icontains=q)
    return qs.order_by("-updated_at", "-id")
