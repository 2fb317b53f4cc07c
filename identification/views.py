"""HTTP only: parse, call a service or selector, render. Every case is reached through
cases.access.case_for (404 for what the user may not see, 403 for what they may see but
not do); an interview or event is found by its id, then its case through the same door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import access
from cases.vocab import ExploitationType, MeansOfControl
from partners.roles import Right, has_right
from submissions import services as submissions

from . import fields, gazetteer, selectors, services
from .forms import DecisionForm, EventForm, InterviewForm
from .indicators import IndicatorSet, InterviewStatus, PlaceKind
from .models import Interview, Place, TraffickingEvent
from .summary import summary_of


def _interview_for(request: HttpRequest, pk: int, perm: str):
    interview = Interview.objects.select_related("place", "case__person").filter(pk=pk).first()
    if interview is None:
        raise Http404("No such interview")
    case = access.case_for(request.user, interview.case_id, perm)
    interview.case = case
    return interview, case


def _event_for(request: HttpRequest, pk: int, perm: str):
    event = TraffickingEvent.objects.select_related("place").filter(pk=pk).first()
    if event is None:
        raise Http404("No such event")
    return event, access.case_for(request.user, event.case_id, perm)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def _picker_places() -> list[Place]:
    """The datalist of the place fields: ports, border crossings and countries (the
    provinces are found by typing their name: the page stays small)."""
    gazetteer.ensure_loaded()
    return list(
        Place.objects.filter(
            kind__in=[PlaceKind.PORT, PlaceKind.BORDER_CROSSING, PlaceKind.COUNTRY]
        ).order_by("country", "name")
    )


def _suggestions(case, summary) -> dict[str, list[tuple[str, Any]]]:
    """Suggested HTCDS values the case does not hold yet (for the caseworker to confirm)."""
    held_means = set(case.means_of_control or [])
    held_types = set(case.exploitation_types)
    return {
        "means": [
            (m, MeansOfControl(m).label) for m in summary.means_of_control if m not in held_means
        ],
        "exploitation": [
            (t, ExploitationType(t).label)
            for t in summary.exploitation_types
            if t not in held_types
        ],
    }


def _save_interview(request, case, form, interview=None) -> HttpResponse | None:
    complete = "complete" in request.POST
    with transaction.atomic():
        done = submissions.claim(request)
        if done:
            return submissions.show_previous(request, done)
        try:
            with transaction.atomic():
                saved = services.interview_save(
                    case=case,
                    by=request.user,
                    fields=form.interview_fields(),
                    answers=form.answers(),
                    complete=complete,
                    interview=interview,
                )
        except ValidationError as e:
            _form_errors(form, e)
            transaction.set_rollback(True)  # the token stays unclaimed: a retry is one send
            return None
        url = reverse("identification:interview", args=[saved.pk])
        submissions.finish(request, url)
    if complete:
        messages.success(request, _("Interview completed."))
    else:
        messages.success(request, _("Interview saved as a draft: you can resume it later."))
    return redirect(url)


def _interview_page(request, case, form, interview=None, status=200) -> HttpResponse:
    perms = access.perms_for(request.user, case)
    ctx: dict[str, Any] = {
        "case": case,
        "interview": interview,
        "form": form,
        "ilo_rows": form.question_rows(IndicatorSet.ILO),
        "amp_rows": form.question_rows(IndicatorSet.AMP),
        "places": _picker_places(),
        "can_view_identity": fields.may_see_identity(perms),
    }
    if interview is not None:
        ctx["summary"] = summary_of(interview)
    return render(request, "identification/interview_form.html", ctx, status=status)


@login_required
def interview_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.CHANGE)
    identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
    if request.method == "POST":
        done = submissions.previous_result(request)
        if done:
            return submissions.show_previous(request, done)
        form = InterviewForm(request.POST, can_view_identity=identity)
        if form.is_valid():
            response = _save_interview(request, case, form)
            if response is not None:
                return response
        return _interview_page(request, case, form, status=422)
    form = InterviewForm(initial={"held_on": timezone.localdate()}, can_view_identity=identity)
    return _interview_page(request, case, form)


@login_required
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: the form to resume it (change permission). A complete interview: its
    answers and summary, and the decision form for those who may decide."""
    interview, case = _interview_for(request, pk, access.VIEW)
    perms = access.perms_for(request.user, case)
    identity = fields.may_see_identity(perms)
    if interview.status == InterviewStatus.DRAFT and access.CHANGE in perms:
        if request.method == "POST":
            done = submissions.previous_result(request)
            if done:
                return submissions.show_previous(request, done)
            form = InterviewForm(request.POST, can_view_identity=identity)
            if form.is_valid():
                response = _save_interview(request, case, form, interview)
                if response is not None:
                    return response
            return _interview_page(request, case, form, interview, status=422)
        form = InterviewForm(
            initial=InterviewForm.initial_for(interview), can_view_identity=identity
        )
        return _interview_page(request, case, form, interview)
    if request.method == "POST":
        raise PermissionDenied
    summary = summary_of(interview)
    may_decide = (
        interview.status == InterviewStatus.COMPLETE
        and access.CHANGE in perms
        and has_right(request.user, Right.DECIDE_IDENTIFICATION)
    )
    answers = [
        {
            "set": a.get_set_display(),
            "question": _question_label(a.set, a.code),
            "answer": a.get_answer_display(),
            "evidence": a.evidence if identity else "",
        }
        for a in interview.answers.all()
    ]
    return render(
        request,
        "identification/interview_detail.html",
        {
            "case": case,
            "interview": interview,
            "summary": summary,
            "answers": answers,
            "can_view_identity": identity,
            "decision_form": DecisionForm() if may_decide else None,
            "decisions": [
                d for d in selectors.decisions_of(case) if d.interview_id == interview.pk
            ],
            "suggestions": _suggestions(case, summary) if access.CHANGE in perms else None,
        },
    )


def _question_label(set_code: str, code: str) -> str:
    from .indicators import QUESTIONS

    vocab = QUESTIONS.get(set_code)
    return str(dict(vocab.choices).get(code, code)) if vocab else code


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    interview, case = _interview_for(request, pk, access.CHANGE)
    if not has_right(request.user, Right.DECIDE_IDENTIFICATION):
        raise PermissionDenied
    done = submissions.previous_result(request)
    if done:
        return submissions.show_previous(request, done)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            done = submissions.claim(request)
            if done:
                return submissions.show_previous(request, done)
            try:
                with transaction.atomic():
                    services.identification_decide(
                        interview=interview,
                        status=form.cleaned_data["status"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,  # type: ignore[arg-type]
                    )
            except ValidationError as e:
                _form_errors(form, e)
                transaction.set_rollback(True)
            else:
                submissions.finish(request, case.get_absolute_url())
                messages.success(request, _("Identification decision recorded."))
                return redirect(case.get_absolute_url())
    summary = summary_of(interview)
    return render(
        request,
        "identification/interview_detail.html",
        {
            "case": case,
            "interview": interview,
            "summary": summary,
            "answers": [],
            "can_view_identity": access.user_can(request.user, case, access.VIEW_IDENTITY),
            "decision_form": form,
            "decisions": [],
            "suggestions": None,
        },
        status=422,
    )


@login_required
@require_POST
def apply_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    interview, case = _interview_for(request, pk, access.CHANGE)
    summary = summary_of(interview)
    means = [m for m in request.POST.getlist("means") if m in summary.means_of_control]
    types = [t for t in request.POST.getlist("exploitation") if t in summary.exploitation_types]
    if means or types:
        services.suggestions_apply(
            case=case,
            by=request.user,  # type: ignore[arg-type]
            means=means,
            exploitation=types,
        )
        messages.success(request, _("The confirmed values were added to the case."))
    return redirect("identification:interview", pk=interview.pk)


@login_required
def event_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.CHANGE)
    return _event_page(request, case, None)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event, case = _event_for(request, pk, access.CHANGE)
    return _event_page(request, case, event)


def _event_page(request: HttpRequest, case, event) -> HttpResponse:
    identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
    status = 200
    if request.method == "POST":
        done = submissions.previous_result(request)
        if done:
            return submissions.show_previous(request, done)
        form = EventForm(request.POST, instance=event, can_view_identity=identity)
        if form.is_valid():
            with transaction.atomic():
                done = submissions.claim(request)
                if done:
                    return submissions.show_previous(request, done)
                try:
                    with transaction.atomic():
                        services.event_save(
                            case=case,
                            by=request.user,  # type: ignore[arg-type]
                            fields=form.event_fields(),
                            event=event,
                        )
                except ValidationError as e:
                    _form_errors(form, e)
                    transaction.set_rollback(True)
                else:
                    submissions.finish(request, case.get_absolute_url())
                    messages.success(request, _("Trafficking event saved."))
                    return redirect(case.get_absolute_url())
        status = 422
    else:
        form = EventForm(instance=event, can_view_identity=identity)
    return render(
        request,
        "identification/event_form.html",
        {"case": case, "event": event, "form": form, "places": _picker_places()},
        status=status,
    )


@login_required
@require_GET
def places(request: HttpRequest) -> JsonResponse:
    """Places whose names start with ``q`` (the gazetteer holds no case data)."""
    lang = get_language() or ""
    found = gazetteer.search(request.GET.get("q", "")[: gazetteer.MAX_QUERY])
    return JsonResponse(
        {
            "places": [
                {
                    "code": p.code,
                    "name": p.display_name(lang),
                    "kind": p.kind,
                    "country": p.country,
                }
                for p in found
            ]
        }
    )


def case_panel(request: HttpRequest, case, perms: frozenset[str]) -> dict[str, Any] | None:
    """The case page's identification section (cases.panels)."""
    interviews = selectors.interviews_of(case)
    events = selectors.events_of(case)
    identity = fields.may_see_identity(perms, anonymised=case.anonymised_at is not None)
    return {
        "case": case,
        "can_change": access.CHANGE in perms,
        "can_view_identity": identity,
        "interviews": [(i, summary_of(i)) for i in interviews],
        "events": [
            {
                "event": e,
                "place": e.place.display_name(get_language() or ""),
                "workplace": e.workplace if identity else "",
            }
            for e in events
        ],
    }
