"""The case list."""

from __future__ import annotations

import phonenumbers
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record

from .. import access, list_filters, selectors
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
    # The search, sort and "assigned to me"; what a field rejects is left out, the rest kept.
    # (Its status, urgency, exploitation and country fields are not used: the registry's are.)
    data: dict = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    # Every other filter comes from the registry (cases/list_filters.py): apps add theirs.
    filter_form = list_filters.CASES.form(request.GET or None)
    filters = selectors.CaseFilters(
        q=(data.get("q") or "").strip(),
        search_by=data.get("by") or "reference",
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
    if refused:
        qs = Case.objects.none()
    else:
        qs = filter_form.apply(selectors.case_list(request.user, filters=filters), request.user)
    # Counts per status ignore the status filter, so they say where else to look. The same
    # aggregate gives the paginator its total: one query over the visible cases, not two.
    counts: dict[str, int] = {}
    paginator = Paginator(qs, PAGE_SIZE)
    if not refused:
        counts, total = selectors.status_counts_and_total(
            filter_form.apply(
                selectors.case_list(request.user, filters=filters), request.user, skip=["status"]
            )
        )
        statuses = filter_form.values().get("status")
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
        "q": filters.q,
        "refused": refused,
        "querystring": _without(request, "page"),
        "counts": counts,
        "status_querystring": _without(request, "page", "status"),
        "statuses": CaseStatus.choices,
        "may_search_identity": access.may_search_identity(request.user),
        "filtering": bool(active or filters.mine or filters.group),
    }
    return render(request, "cases/case_list.html", context)
