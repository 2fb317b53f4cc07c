"""Notes and consent sections of the case page: htmx fragments, and plain posts that
redirect when JavaScript is off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, disclosure, selectors, services
from ..forms import ConsentForm, NoteForm
from ..models import Case, CaseNote, Consent
from .common import _case, _is_htmx, _user


def _notes_context(request: HttpRequest, case: Case, perms: frozenset[str], form=None) -> dict:
    shown = disclosure.for_perms(perms)
    notes = selectors.notes_for(case)
    return {
        "case": case,
        "perms": perms,
        "disclosure": shown,
        "can_change": access.CHANGE in perms,
        "notes": [
            {
                "note": n,
                "editable": shown.may_write(disclosure.NOTE, ["body"])
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
        "disclosure": disclosure.for_perms(perms),
        "can_change": access.CHANGE in perms,
        "consents": selectors.consents_for(case),
        "consent_form": form or ConsentForm(),
    }


# --- notes ----------------------------------------------------------------------------------


def _notes_response(request, case, perms, form=None, status=200) -> HttpResponse:
    if _is_htmx(request):
        return render(
            request,
            "cases/partials/notes.html",
            _notes_context(request, case, perms, form),
            status=status,
        )
    if form is not None and getattr(form, "zawgyi_found", None):
        # Without htmx the page is reloaded: the conversion cannot be shown in place.
        messages.error(
            request,
            _(
                "The note was not saved: its Burmese text looks like it was typed in the "
                "Zawgyi encoding. Please type it again in Unicode."
            ),
        )
    elif form is not None and form.has_error("body", "max_length"):
        messages.error(request, form.errors["body"][0])
    elif form is not None and form.errors:
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
    # The form shows the note it edits: a write of identity (cases.disclosure).
    disclosure.require_write(request.user, case, disclosure.NOTE, ["body"])
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
