"""The distress-call intake page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import AuditAction
from audit.services import audit_record
from config import pwa
from config.formtools import bounded_int
from submissions import services as submissions

from .. import access, selectors, usecases
from ..forms import DistressCallForm, PersonFormSet
from ..models import Case
from .common import _region, _user

# --- intake ---------------------------------------------------------------------------------


def _suppress_errors(form, formset) -> None:
    """Re-show a form after "add a person" without judging half-typed input yet."""
    form._errors = ErrorDict()
    formset._errors = []
    formset._non_form_errors = ErrorList()
    for f in formset.forms:
        f._errors = ErrorDict()


def _duplicates(request: HttpRequest, form: DistressCallForm, formset) -> list[list[Case]]:
    caller_phone = form.cleaned_data.get("caller_phone")
    found: list[list[Case]] = []
    for pform in formset.forms:
        d = pform.cleaned_data
        phones = [str(p.as_e164) for p in (d.get("phone"), caller_phone) if p]
        names = [
            " ".join(x for x in (d.get("given_name"), d.get("family_name")) if x),
            " ".join(x for x in (d.get("given_name_latin"), d.get("family_name_latin")) if x),
        ]
        found.append(selectors.possible_duplicates(request.user, phones=phones, names=names))
    shown = sum(len(f) for f in found)
    if shown:
        audit_record(
            action=AuditAction.SEARCHED_IDENTITY,
            actor=request.user,
            request=request,
            detail={"by": "intake duplicate check", "shown": shown},
        )
    return found


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    if not access.may_log_calls(request.user):
        raise PermissionDenied
    user = _user(request)
    region = _region(user)
    duplicates: list[list[Case]] = []
    if request.method != "POST":
        form = DistressCallForm(user=user)
        formset = PersonFormSet(prefix="persons", region=region)
        return _render_intake(request, form, formset, duplicates)

    done = submissions.previous_result(request)  # a double-click: show the first's result
    if done:
        return submissions.show_previous(request, done)
    data = request.POST.copy()
    if "add_person" in data:
        limit = PersonFormSet.max_num
        total = bounded_int(data.get("persons-TOTAL_FORMS"), default=1, lo=1, hi=limit)
        data["persons-TOTAL_FORMS"] = str(min(total + 1, limit))
        form = DistressCallForm(data, user=user)
        formset = PersonFormSet(data, prefix="persons", region=region)
        _suppress_errors(form, formset)
        return _render_intake(request, form, formset, duplicates)

    form = DistressCallForm(data, user=user)
    formset = PersonFormSet(data, prefix="persons", region=region)
    intake = usecases.intake_check(form, formset.forms, formset=formset)
    if intake is None:
        return _render_intake(request, form, formset, duplicates, status=422)
    if intake.existing_case is None and "go_on" not in data:
        duplicates = _duplicates(request, form, formset)
        if any(duplicates):
            return _render_intake(request, form, formset, duplicates)
    try:
        with transaction.atomic():
            done = submissions.claim(request)  # its concurrent twin waits here
            if done:
                return submissions.show_previous(request, done)
            call, cases = usecases.intake_log(user, intake)
            submissions.finish(request, cases[0].get_absolute_url())
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_intake(request, form, formset, duplicates, status=422)
    messages.success(
        request,
        _("Call logged for %(refs)s.") % {"refs": ", ".join(c.reference for c in cases)},
    )
    return redirect(cases[0].get_absolute_url())


def _render_intake(request, form, formset, duplicates, status=200) -> HttpResponse:
    rows = []
    for i, pform in enumerate(formset.forms):
        dups = duplicates[i] if i < len(duplicates) else []
        rows.append({"form": pform, "number": i + 1, "duplicates": dups})
    context = {
        "form": form,
        "formset": formset,
        "rows": rows,
        "has_duplicates": any(duplicates),
    }
    return render(request, "cases/intake.html", context, status=status)


@login_required
@require_GET
def offline_intake(request: HttpRequest) -> HttpResponse:
    """The intake page's own form (cases/intake.html), empty, for a phone without signal:
    static/js/outbox.js keeps what is typed there in the outbox (config/pwa.py serves the
    service worker that keeps this copy)."""
    user = _user(request)
    if not access.may_log_calls(user):
        raise PermissionDenied
    form = DistressCallForm(user=user)
    formset = PersonFormSet(prefix="persons", region=_region(user))
    rows = [{"form": f, "number": i + 1, "duplicates": []} for i, f in enumerate(formset.forms)]
    context = {"form": form, "formset": formset, "rows": rows, "has_duplicates": False}
    return pwa.private_copy(render(request, "cases/intake.html", pwa.without_identity(context)))
