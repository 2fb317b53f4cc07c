"""The case's change history page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import audit_record

from .. import access, history
from .common import _case

# The page shows the newest entries; a case with more is rare and old changes stay stored.
HISTORY_LIMIT = 300


@login_required
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    perms = access.perms_for(request.user, case)
    entries = history.entries_for(request.user, case, perms, limit=HISTORY_LIMIT)
    if access.VIEW_IDENTITY in perms:
        # The history shows identity, old values included: a view of identity.
        audit_record(
            action=AuditAction.VIEWED_IDENTITY,
            actor=request.user,
            target=case,
            request=request,
            detail={"page": "history"},
        )
    return render(
        request,
        "cases/case_history.html",
        {
            "case": case,
            "entries": entries,
            "can_view_identity": access.VIEW_IDENTITY in perms,
            "limit": HISTORY_LIMIT,
        },
    )
