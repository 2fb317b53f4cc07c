from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import audit_record

from . import access, panels, selectors, timeline
from .redaction import person_for

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(selectors.case_list(request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "case": case,
            "person": person_for(case, can_view_identity=case.can_view_identity),  # type: ignore[attr-defined]
        }
        for case in page.object_list
    ]
    return render(request, "cases/case_list.html", {"page": page, "rows": rows, "q": q})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.case_for(
        request.user,
        pk,
        access.VIEW,
        queryset=access.Case.objects.select_related(
            "person", "owner_organization", "assigned_to", "group"
        ),
    )
    perms = access.perms_for(request.user, case)
    can_view_identity = access.VIEW_IDENTITY in perms
    if can_view_identity:
        audit_record(
            action=AuditAction.VIEWED_IDENTITY, actor=request.user, target=case, request=request
        )
    context = {
        "case": case,
        "perms": perms,
        "person": person_for(case, can_view_identity=can_view_identity),
        "can_view_identity": can_view_identity,
        "timeline": timeline.entries_for(case),
        "panels": panels.panels_for(request, case, perms),
    }
    return render(request, "cases/case_detail.html", context)
