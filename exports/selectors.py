"""Reads of exports. An export is visible only to its requester, and only while they may
still export its case: both are checked here, so no view can forget one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from cases import access
from cases.models import Case

from .models import Export

RECENT_ON_CASE = 5


def export_for(user, pk: int | str) -> Export:
    """The export ``pk`` if ``user`` requested it and may still export its case; else 404
    (also when the user may see the case but no longer export it: the file is out of reach,
    and its existence is not confirmed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such export") from None
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such export")
    export = (
        Export.objects.select_related("case", "organization", "requested_by")
        .filter(pk=pk, requested_by=user)
        .first()
    )
    if export is None:
        raise Http404("No such export")
    try:
        access.case_for(user, export.case_id, access.EXPORT)
    except PermissionDenied:
        raise Http404("No such export") from None
    return export


def exports_on_case(user, case: Case) -> QuerySet[Export]:
    """The user's own latest exports of a case (the caller has checked EXPORT on it)."""
    return Export.objects.filter(requested_by=user, case=case).order_by("-created_at", "-id")[
        :RECENT_ON_CASE
    ]
