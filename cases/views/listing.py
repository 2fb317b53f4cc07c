"""The case list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import access, selectors
from ..forms import CaseListForm
from ..redaction import person_for
from ..usecases import case_search
from ..vocab import CaseStatus, Urgency
from .common import PAGE_SIZE

# --- list -----------------------------------------------------------------------------------


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    # The search, the registry's filters (cases/list_filters.py), the role gate and the audit:
    # one use case with the API (cases/usecases.py).
    search, errors = case_search(request.user, request.GET, request=request)
    filter_form = search.filter_form
    refused = search.forbidden or " ".join(errors.get("q", []))
    form = CaseListForm(request.GET or None)
    # Counts per status ignore the status filter, so they say where else to look. The same
    # aggregate gives the paginator its total: one query over the visible cases, not two.
    counts: dict[str, int] = {}
    paginator = Paginator(search.cases, PAGE_SIZE)
    if not refused:
        counts, total = selectors.status_counts_and_total(search.without_status)
        statuses = search.statuses
        paginator.count = sum(counts.get(s, 0) for s in statuses) if statuses else total
    page = paginator.get_page(request.GET.get("page"))
    # Labels are translated once per page, not once per row.
    status_labels = {k: str(v) for k, v in CaseStatus.choices}
    urgency_labels = {k: str(v) for k, v in Urgency.choices}
    rows = [
        {
            "case": case,
            "person": person_for(case, can_view_identity=case.can_view_identity),  # type: ignore[attr-defined]
            "status": status_labels.get(case.status, case.status),
            "urgency": urgency_labels.get(case.urgency, case.urgency),
        }
        for case in page.object_list
    ]
    active = filter_form.active()
    context = {
        "page": page,
        "rows": rows,
        "form": form if form.is_bound else CaseListForm(),
        "filter_form": filter_form,
        "active_filters": active,
        "filter_errors": filter_form.error_messages(),
        "q": search.q,
        "refused": refused,
        "empty_hint": "" if refused else search.empty_hint(),
        "querystring": _without(request, "page"),
        "counts": counts,
        "status_querystring": _without(request, "page", "status"),
        "statuses": CaseStatus.choices,
        "may_search_identity": access.may_search_identity(request.user),
        "filtering": bool(active or search.mine or search.group),
    }
    return render(request, "cases/case_list.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: how many cases the organisation can see."""
    visible = access.cases_visible_to(request.user, access.VIEW)
    return render(request, "home.html", {"case_count": visible.count()})
