"""The case page, its edit forms and the timeline fragment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from config.formtools import reshow_after_conflict, snapshot

from .. import access, disclosure, panels, selectors, services, timeline, usecases
from ..forms import CaseForm, PersonEditForm, display
from ..models import Case
from ..redaction import person_for
from ..vocab import MeansOfControl, SexExploitationType
from .common import _case, _region, _user
from .sections import _consents_context, _notes_context


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    perms = access.perms_for(request.user, case)
    can_view_identity = access.VIEW_IDENTITY in perms
    if can_view_identity:
        audit_record(
            action=AuditAction.VIEWED_IDENTITY, actor=request.user, target=case, request=request
        )
    group = [
        {"case": c, "person": person_for(c, can_view_identity=c.can_view_identity)}  # type: ignore[attr-defined]
        for c in selectors.group_cases(request.user, case)
    ]
    context = {
        "case": case,
        "perms": perms,
        "person": person_for(case, can_view_identity=can_view_identity),
        "can_view_identity": can_view_identity,
        "disclosure": disclosure.for_perms(perms),
        "group_rows": group,
        "calls": selectors.calls_for(case),
        "means_of_control": [
            str(MeansOfControl(m).label) if m in MeansOfControl.values else m
            for m in case.means_of_control
        ],
        "sex_exploitation_types": [
            str(SexExploitationType(m).label) if m in SexExploitationType.values else m
            for m in case.sex_exploitation_types
        ],
        "timeline": timeline.entries_for(case),
        "panels": panels.panels_for(request, case, perms),
        **_notes_context(request, case, perms),
        **_consents_context(case, perms),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    return render(
        request,
        "cases/partials/timeline.html",
        {"case": case, "timeline": timeline.entries_for(case)},
    )


# --- edit -----------------------------------------------------------------------------------


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    perms = access.perms_for(request.user, case)
    if request.method == "POST":
        form = CaseForm(request.POST, instance=case, user=_user(request), perms=perms)
        if form.is_valid():
            try:
                usecases.case_update_from_form(case=case, by=_user(request), form=form)
            except services.StaleCase:
                # Their values, with this person's own changes re-applied, and the fresh
                # version: saving again keeps both people's work (config.formtools).
                fresh = Case.objects.select_related("person", "owner_organization").get(pk=pk)
                conflict = reshow_after_conflict(
                    form,
                    current=snapshot(fresh, form.tracked_fields()),
                    version=fresh.version,
                    rebuild=lambda data: CaseForm(
                        data, instance=fresh, user=_user(request), perms=perms
                    ),
                    display=display,
                )
                return render(
                    request,
                    "cases/case_edit.html",
                    {"case": case, "form": conflict.form, "differences": conflict.differences},
                    status=409,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Case saved."))
                return redirect(case.get_absolute_url())
        return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=422)
    form = CaseForm(instance=case, user=_user(request), perms=perms)
    return render(request, "cases/case_edit.html", {"case": case, "form": form})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    access.require(request.user, case, access.VIEW_IDENTITY)
    user = _user(request)
    region = _region(user)
    if request.method == "POST":
        form = PersonEditForm(request.POST, instance=case.person, case=case, region=region)
        if form.is_valid():
            try:
                services.person_update(
                    case=case,
                    by=user,
                    version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except services.StaleCase:
                current = Case.objects.select_related("person").get(pk=pk)
                conflict = reshow_after_conflict(
                    form,
                    current=snapshot(current.person, form.tracked_fields()),
                    version=current.version,
                    rebuild=lambda data: PersonEditForm(
                        data, instance=current.person, case=current, region=region
                    ),
                    display=display,
                )
                return render(
                    request,
                    "cases/person_edit.html",
                    {"case": case, "form": conflict.form, "differences": conflict.differences},
                    status=409,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Person saved."))
                return redirect(case.get_absolute_url())
        return render(request, "cases/person_edit.html", {"case": case, "form": form}, status=422)
    audit_record(action=AuditAction.VIEWED_IDENTITY, actor=user, target=case, request=request)
    form = PersonEditForm(instance=case.person, case=case, region=region)
    return render(request, "cases/person_edit.html", {"case": case, "form": form})
