"""HTTP only: parse, check access through cases.access, call a service or selector, render.

htmx endpoints answer with a fragment when called by htmx (HX-Request) and redirect to the
case page otherwise, so every form also works without JavaScript."""

from __future__ import annotations

from dataclasses import replace

import phonenumbers
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from partners.models import User

from . import access, panels, selectors, services, timeline
from .forms import (
    SIGNER_SALT,
    CaseForm,
    CaseListForm,
    ConsentForm,
    DistressCallForm,
    NoteForm,
    PersonEditForm,
    PersonFormSet,
    case_snapshot,
    describe_differences,
    snapshot,
)
from .models import Case, CaseNote, Consent
from .redaction import person_for
from .vocab import CaseStatus, MeansOfControl

PAGE_SIZE = 50
STALE_MESSAGE = _lazy(
    "Someone else saved this case while you were editing it. Your changes were not saved. "
    "Check what changed below, then save again to keep your version."
)


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _region(user) -> str | None:
    org = getattr(user, "organization", None)
    return str(org.country) if org else None


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
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "person": person_for(case, can_view_identity=case.can_view_identity),  # type: ignore[attr-defined]
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
        # Counts per status ignore the status filter, so they say where else to look.
        "counts": (
            selectors.status_counts(
                selectors.case_list(request.user, filters=replace(filters, status=""))
            )
            if not refused
            else {}
        ),
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

    data = request.POST.copy()
    if "add_person" in data:
        total = int(data.get("persons-TOTAL_FORMS") or 1)
        data["persons-TOTAL_FORMS"] = str(min(total + 1, 30))
        form = DistressCallForm(data, user=user)
        formset = PersonFormSet(data, prefix="persons", region=region)
        _suppress_errors(form, formset)
        return _render_intake(request, form, formset, duplicates)

    form = DistressCallForm(data, user=user)
    formset = PersonFormSet(data, prefix="persons", region=region)
    call_ok = form.is_valid()
    existing = form.existing_case if call_ok else None
    if existing is not None and any(f.has_changed() for f in formset.forms):
        # Ambiguous: attach to the case, or open new ones? Ask rather than guess.
        form.add_error(
            "existing_reference",
            _("A call about an existing case names no new persons: clear one or the other."),
        )
        call_ok, existing = False, None
    persons_ok = existing is not None or formset.is_valid()
    if not (call_ok and persons_ok):
        return _render_intake(request, form, formset, duplicates, status=422)
    if existing is None and "go_on" not in data:
        duplicates = _duplicates(request, form, formset)
        if any(duplicates):
            return _render_intake(request, form, formset, duplicates)
    persons = []
    if existing is None:
        for pform in formset.forms:
            link = pform.cleaned_data.get("link_case")
            if link:
                persons.append(services.PersonIntake(link_case_id=link))
            else:
                persons.append(services.PersonIntake(person=pform.save(commit=False)))
    try:
        call, cases = services.distress_call_create(
            by=user,
            call=form.save(commit=False),
            persons=persons,
            existing_case=existing,
            exploitation_types=form.cleaned_data.get("exploitation_types"),
            case_fields=form.case_fields(),
        )
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


# --- detail ---------------------------------------------------------------------------------


def _case(request: HttpRequest, pk: int, perm: str = access.VIEW) -> Case:
    return access.case_for(
        request.user,
        pk,
        perm,
        queryset=Case.objects.select_related(
            "person", "owner_organization", "assigned_to", "group", "status_changed_by"
        ),
    )


def _notes_context(request: HttpRequest, case: Case, perms: frozenset[str], form=None) -> dict:
    can_view_identity = access.VIEW_IDENTITY in perms
    notes = selectors.notes_for(case)
    return {
        "case": case,
        "perms": perms,
        "can_view_identity": can_view_identity,
        "can_change": access.CHANGE in perms,
        "notes": [
            {
                "note": n,
                "editable": can_view_identity
                and access.CHANGE in perms
                and services.note_editable_by(n, _user(request)),
            }
            for n in notes
        ],
        "note_form": form or NoteForm(),
    }


def _consents_context(case: Case, perms: frozenset[str], form=None) -> dict:
    return {
        "case": case,
        "perms": perms,
        "can_view_identity": access.VIEW_IDENTITY in perms,
        "can_change": access.CHANGE in perms,
        "consents": selectors.consents_for(case),
        "consent_form": form or ConsentForm(),
    }


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
        "group_rows": group,
        "calls": selectors.calls_for(case),
        "means_of_control": [
            str(MeansOfControl(m).label) if m in MeansOfControl.values else m
            for m in case.means_of_control
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
    differences: list[dict[str, str]] = []
    if request.method == "POST":
        form = CaseForm(request.POST, instance=case, user=_user(request), perms=perms)
        if form.is_valid():
            try:
                services.case_update(
                    case=case,
                    by=_user(request),
                    version=form.cleaned_data["version"],
                    changes=form.changes(),
                    exploitation_types=form.cleaned_data["exploitation_types"],
                )
            except services.StaleCase as stale:
                current = stale.current
                differences = describe_differences(form, current)
                # Keep this person's input; carry the new version so that saving again is a
                # deliberate decision taken after seeing what changed.
                data = request.POST.copy()
                data["version"] = str(current.version)
                data["original"] = signing.dumps(
                    case_snapshot(current, form.tracked_fields()), salt=SIGNER_SALT
                )
                fresh = Case.objects.select_related("person", "owner_organization").get(pk=pk)
                form = CaseForm(data, instance=fresh, user=_user(request), perms=perms)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return render(
                    request,
                    "cases/case_edit.html",
                    {"case": case, "form": form, "differences": differences},
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
            except services.StaleCase as stale:
                current = Case.objects.select_related("person").get(pk=pk)
                differences = describe_differences(form, current.person)
                data = request.POST.copy()
                data["version"] = str(stale.current.version)
                data["original"] = signing.dumps(
                    snapshot(current.person, form.tracked_fields()), salt=SIGNER_SALT
                )
                form = PersonEditForm(data, instance=current.person, case=current, region=region)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                return render(
                    request,
                    "cases/person_edit.html",
                    {"case": case, "form": form, "differences": differences},
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


# --- notes ----------------------------------------------------------------------------------


def _notes_response(request, case, perms, form=None, status=200) -> HttpResponse:
    if _is_htmx(request):
        return render(
            request,
            "cases/partials/notes.html",
            _notes_context(request, case, perms, form),
            status=status,
        )
    if form is not None and form.errors:
        messages.error(request, _("The note was not saved: it cannot be empty."))
    return redirect(case.get_absolute_url() + "#notes")


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    perms = access.perms_for(request.user, case)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _notes_response(request, case, perms, form, status=422)
    services.case_note_add(case=case, body=form.cleaned_data["body"], by=_user(request))
    return _notes_response(request, case, perms)


@login_required
def note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    access.require(request.user, case, access.VIEW_IDENTITY)
    perms = access.perms_for(request.user, case)
    note = get_object_or_404(CaseNote, pk=note_pk, case=case)
    if not services.note_editable_by(note, _user(request)):
        raise PermissionDenied
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            services.case_note_edit(note=note, body=form.cleaned_data["body"], by=_user(request))
            return _notes_response(request, case, perms)
        status = 422
    else:
        form = NoteForm(initial={"body": note.body})
        status = 200
    template = "cases/partials/note_edit.html" if _is_htmx(request) else "cases/note_edit.html"
    return render(request, template, {"case": case, "note": note, "form": form}, status=status)


# --- consent --------------------------------------------------------------------------------


def _consents_response(request, case, perms, form=None, status=200) -> HttpResponse:
    if _is_htmx(request):
        return render(
            request,
            "cases/partials/consents.html",
            _consents_context(case, perms, form),
            status=status,
        )
    if form is not None and form.errors:
        messages.error(request, _("The consent was not recorded: check the form."))
    return redirect(case.get_absolute_url() + "#consent")


@login_required
@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    perms = access.perms_for(request.user, case)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _consents_response(request, case, perms, form, status=422)
    services.consent_record(case=case, by=_user(request), **form.cleaned_data)
    return _consents_response(request, case, perms)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    case = _case(request, pk, access.CHANGE)
    perms = access.perms_for(request.user, case)
    consent = get_object_or_404(Consent, pk=consent_pk, case=case)
    services.consent_withdraw(consent=consent, by=_user(request))
    return _consents_response(request, case, perms)
