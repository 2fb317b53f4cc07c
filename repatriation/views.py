"""HTTP only: parse, call a service or selector, render. Every case is reached through
cases.access (404 for what the user may not see, 403 for what they may see but not do)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, disclosure
from config.formtools import reshow_after_conflict, sign_snapshot, snapshot
from partners.roles import Right, has_right

from . import next_step, selectors, services
from .forms import PlanForm, StepForm, StepItemFormSet, TemplateForm
from .models import (
    FINISHED,
    PLAN_TRANSITIONS,
    PlanStatus,
    RepatriationPlan,
    RepatriationStep,
    StepStatus,
    StepTemplate,
)


def step_context(
    step: RepatriationStep,
    *,
    can_update: bool,
    can_view_identity: bool = False,
    form: StepForm | None = None,
    message: str = "",
    saved: bool = False,
) -> dict[str, Any]:
    """What templates/repatriation/partials/step.html needs for one step. A step's note and
    reason are free text that may identify the person: shown (and editable) only with
    view-identity (``STEP_FIELDS``, cases.disclosure)."""
    if form is None:
        form = StepForm(
            initial={
                "status": step.status,
                "due_date": step.due_date,
                "note": step.note,
                "reason": step.reason,
                "version": step.version,
            },
            prefix_id=step.pk,
            can_view_identity=can_view_identity,
        )
    if not form.is_bound:  # after the note is gone: the snapshot is readable in the page
        form.initial["original"] = sign_snapshot(snapshot(step, form.tracked_fields()))
    return {
        "step": step,
        "can_update": can_update,
        "disclosure": disclosure.Disclosure(identity=can_view_identity),
        "form": form,
        "message": message,
        "saved": saved,
        "open": bool(message) or form.is_bound,
    }


def plan_context(
    plan: RepatriationPlan, *, can_update: bool, can_view_identity: bool = False
) -> dict[str, Any]:
    steps = list(plan.steps.all())
    return {
        "plan": plan,
        "progress": selectors.progress_of(steps),
        "steps": [
            step_context(s, can_update=can_update, can_view_identity=can_view_identity)
            for s in steps
        ],
        "can_update": can_update,
    }


@login_required
def my_repatriations(request: HttpRequest) -> HttpResponse:
    # can_update per row through the access module's queryset: no query per row.
    updatable = access.cases_visible_to(request.user, access.UPDATE_REPATRIATION)
    identified = access.cases_visible_to(request.user, access.VIEW_IDENTITY)
    plans = selectors.my_repatriations(request.user).annotate(
        can_update=Exists(updatable.filter(pk=OuterRef("case_id"))),
        can_view_identity=Exists(identified.filter(pk=OuterRef("case_id"))),
    )
    rows = [
        _grouped(plan_context(p, can_update=p.can_update, can_view_identity=p.can_view_identity))
        for p in plans
    ]
    return render(request, "repatriation/my_repatriations.html", {"rows": rows})


def _grouped(ctx: dict[str, Any]) -> dict[str, Any]:
    """My repatriations on a phone (issue 16 item 14): the steps that need action first
    (the next unfinished one, in progress, blocked, overdue or due within DUE_SOON_DAYS), the later
    steps and the finished ones folded, so the page stays short."""
    today = timezone.localdate()
    soon = today + timedelta(days=selectors.DUE_SOON_DAYS)
    action: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    finished: list[dict[str, Any]] = []
    for s in ctx["steps"]:
        step = s["step"]
        if step.status in FINISHED:
            finished.append(s)
        elif (
            not action  # the next unfinished step: who acts next
            or s["open"]  # a refused form is shown where it was
            or step.status in (StepStatus.BLOCKED, StepStatus.IN_PROGRESS)
            or (step.due_date is not None and step.due_date <= soon)
        ):
            action.append(s)
        else:
            later.append(s)
    return {**ctx, "action_steps": action, "later_steps": later, "finished_steps": finished}


@login_required
def plan_edit(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.UPDATE_REPATRIATION)
    can_view_identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
    plan = RepatriationPlan.objects.filter(case=case).first()
    if plan is None:
        initial = {
            "current_country": case.current_country,
            "home_country": case.person.nationality or case.country_of_origin,
            **next_step.plan_initial(case),  # embassy and lead from the accepted referral
        }
        form = PlanForm(request.POST or None, initial=initial, can_view_identity=can_view_identity)
    else:
        form = PlanForm(request.POST or None, instance=plan, can_view_identity=can_view_identity)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.fields}
        try:
            if plan is None:
                services.plan_create(case=case, by=request.user, **fields)  # type: ignore[arg-type]
                messages.success(request, _("Repatriation plan created."))
            else:
                # The form changed the instance in place; the service re-reads under a lock.
                services.plan_update(plan=plan, by=request.user, **fields)  # type: ignore[arg-type]
                messages.success(request, _("Repatriation plan saved."))
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errs in e.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, e)
        else:
            return redirect(case.get_absolute_url())
    if can_view_identity and plan is not None and plan.place:
        audit_record(
            action=AuditAction.VIEWED_IDENTITY,
            actor=request.user,
            target=case,
            request=request,
            detail={"repatriation_plan": plan.pk, "field": "place"},
        )
    return render(
        request, "repatriation/plan_form.html", {"case": case, "plan": plan, "form": form}
    )


@login_required
@require_POST
def plan_status(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.UPDATE_REPATRIATION)
    plan = RepatriationPlan.objects.filter(case=case).first()
    if plan is None:
        raise Http404("No plan")
    status = request.POST.get("status", "")
    if status not in PlanStatus.values:
        messages.error(request, _("Unknown plan status."))
    else:
        try:
            services.plan_set_status(plan=plan, status=status, by=request.user)  # type: ignore[arg-type]
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Plan status changed."))
    return redirect(case.get_absolute_url())


def _step_for(request: HttpRequest, pk: int) -> RepatriationStep:
    """The step if the user may see its case (404 otherwise, also for a foreign id)."""
    step = (
        RepatriationStep.objects.select_related("plan", "responsible_organization", "changed_by")
        .filter(pk=pk, plan__case__in=access.cases_visible_to(request.user).values("pk"))
        .first()
    )
    if step is None:
        raise Http404("No such step")
    return step


@login_required
def step_update(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the step (its own page without JavaScript). POST: update it; htmx requests get
    the step's fragment back, others are redirected to ``next`` or the case page."""
    step = _step_for(request, pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    template = "repatriation/partials/step.html" if is_htmx else "repatriation/step_page.html"
    if request.method != "POST":
        case = access.case_for(request.user, step.plan.case_id, access.VIEW)
        can_update = access.user_can(request.user, case, access.UPDATE_REPATRIATION)
        identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
        return render(
            request,
            template,
            step_context(step, can_update=can_update, can_view_identity=identity),
        )
    case = access.case_for(request.user, step.plan.case_id, access.UPDATE_REPATRIATION)
    identity = access.user_can(request.user, case, access.VIEW_IDENTITY)
    form = StepForm(request.POST, prefix_id=step.pk, can_view_identity=identity)
    message = ""
    if form.is_valid():
        try:
            step = services.step_update_from_form(
                step=step,
                by=request.user,  # type: ignore[arg-type]
                cleaned=form.cleaned_data,
            )
        except services.StaleStep:
            # The current step, with this person's own changes re-applied and the fresh
            # version: saving again keeps both people's work (config.formtools).
            step = _step_for(request, pk)

            def rebuild(data):
                return StepForm(data, prefix_id=step.pk, can_view_identity=identity)

            conflict = reshow_after_conflict(
                form,
                current=snapshot(step, form.tracked_fields()),
                version=step.version,
                rebuild=rebuild,
            )
            reshown = cast(StepForm, conflict.form)
            ctx = step_context(step, can_update=True, can_view_identity=identity, form=reshown)
            ctx["differences"] = conflict.differences
            return render(request, template, ctx, status=409)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errs in e.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                message = " ".join(e.messages)
        else:
            if not is_htmx:
                messages.success(request, _("Step saved."))
                nxt = request.POST.get("next", "")
                if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
                    return redirect(nxt)
                return redirect(case.get_absolute_url())
            step = _step_for(request, pk)
            ctx = step_context(step, can_update=True, can_view_identity=identity, saved=True)
            # The plan's progress bar on the page is updated out of band (hx-swap-oob).
            ctx["progress"] = selectors.progress_of(list(step.plan.steps.all()))
            return render(request, template, ctx)
    ctx = step_context(
        step, can_update=True, can_view_identity=identity, form=form, message=message
    )
    return render(request, template, ctx)


def case_panel(request: HttpRequest, case, perms: frozenset[str]) -> dict[str, Any] | None:
    """The case page's repatriation section (cases.panels)."""
    can_update = access.UPDATE_REPATRIATION in perms
    plan = selectors.plan_for_case(case)
    if plan is None:
        return {"case": case, "plan": None, "can_update": can_update} if can_update else None
    shown = disclosure.for_perms(perms)
    ctx = plan_context(plan, can_update=can_update, can_view_identity=shown.identity)
    ctx.update(
        case=case,
        disclosure=shown,
        transitions=[PlanStatus(s) for s in sorted(PLAN_TRANSITIONS[plan.status])]
        if can_update
        else [],
    )
    return ctx


# --- step templates of the admin's organisation ---------------------------------------------


def _admin_org(request: HttpRequest) -> int:
    """The organisation of an organisation admin; anyone else gets 403."""
    org_id: int | None = getattr(request.user, "organization_id", None)
    if org_id is None or not has_right(request.user, Right.MANAGE_ROUTE_TEMPLATES):
        raise PermissionDenied
    return org_id


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """An organisation admin's templates (routes) for plans their organisation leads."""
    user = request.user
    _admin_org(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = services.template_create(
            by=user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            home_country=form.cleaned_data["home_country"],
            current_country=form.cleaned_data["current_country"],
        )
        messages.success(request, _("Template created from the default steps; adjust it below."))
        return redirect("repatriation:template_edit", pk=template.pk)
    templates = StepTemplate.objects.filter(organization_id=_admin_org(request))
    return render(
        request, "repatriation/template_list.html", {"templates": templates, "form": form}
    )


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    template = StepTemplate.objects.filter(pk=pk, organization_id=_admin_org(request)).first()
    if template is None:
        raise Http404("No such template")
    form = TemplateForm(request.POST or None, instance=template)
    initial = list(
        template.items.order_by("order").values("order", "kind", "responsible", "due_after_days")
    )
    formset = StepItemFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [
            {k: f.cleaned_data[k] for k in ("order", "kind", "responsible", "due_after_days")}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.template_update(
                template=template,
                by=user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                home_country=form.cleaned_data["home_country"],
                current_country=form.cleaned_data["current_country"],
                items=items,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Template saved."))
            return redirect("repatriation:template_list")
    return render(
        request,
        "repatriation/template_edit.html",
        {"template": template, "form": form, "formset": formset},
    )
