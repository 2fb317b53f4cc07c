"""The case list."""

from __future__ import annotations

from dataclasses import replace

import phonenumbers
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

from .. import access, selectors
from ..forms import CaseListForm
from ..models import Case
from ..redaction import person_for
from ..vocab import CaseStatus, Urgency
from .common import PAGE_SIZE, _region

# --- list -----------------------------------------------------------------------------------


def _without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseListForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.CaseFilters(
        q=(data.get("q") or "").strip(),
        search_by=data.get("by") or "reference",
        status=data.get("status") or "",
        urgency=data.get("urgency") or "",
        exploitation=data.get("exploitation") or "",
        country=data.get("country") or "",
        mine=bool(data.get("mine")),
        group=data.get("group"),
        sort=data.get("sort") or "updated",
    )
    refused = ""
    if filters.q and filters.search_by in ("name", "phone"):
        if not access.may_search_identity(request.user):
            refused = _(
                "Your role may not search by name or phone. Search by case reference instead."
            )
        elif filters.search_by == "phone":
            try:
                number = phonenumbers.parse(filters.q, _region(request.user))
                if not phonenumbers.is_valid_number(number):
                    raise phonenumbers.NumberParseException(0, "invalid")
                filters.phone_e164 = phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.E164
                )
            except phonenumbers.NumberParseException:
                refused = _("This is not a valid phone number.")
        if not refused:
            # The search term itself is identity and stays out of the audit log.
            audit_record(
                action=AuditAction.SEARCHED_IDENTITY,
                actor=request.user,
                request=request,
                detail={"by": filters.search_by},
            )
    qs = Case.objects.none() if refused else selectors.case_list(request.user, filters=filters)
    # Counts per status ignore the status filter, so they say where else to look. The same
    # aggregate gives the paginator its total: one query over the visible cases, not two.
    counts: dict[str, int] = {}
    paginator = Paginator(qs, PAGE_SIZE)
    if not refused:
        counts, total = selectors.status_counts_and_total(
            selectors.case_list(request.user, filters=replace(filters, status=""))
        )
        paginator.count = counts.get(filters.status, 0) if filters.status else total
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
    context = {
        "page": page,
        "rows": rows,
        "form": form if form.is_bound else CaseListForm(),
        "q": filters.q,
        "refused": refused,
        "querystring": _without(request, "page"),
        "counts": counts,
        "status_querystring": _without(request, "page", "status"),
        "statuses": CaseStatus.choices,
        "may_search_identity": access.may_search_identity(request.user),
        "filtering": any(
            [
                filters.status,
                filters.urgency,
                filters.exploitation,
                filters.country,
                filters.mine,
                filters.group,
            ]
        ),
    }
    return render(request, "cases/case_list.html", context)
