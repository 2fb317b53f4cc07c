"""Writes to repatriation plans and steps. Each service is atomic, checks
``update_repatriation`` through cases.access, writes, records the timeline entry and the audit
event and notifies. Notification texts carry the case reference and step name only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, timeline
from cases.consent import has_consent
from cases.models import Case
from cases.vocab import ConsentPurpose
from config.dates import validate_fields
from notifications.services import notify
from partners.models import OrganizationKind, User
from partners.roles import Right, has_right

from . import signals
from .models import (
    OPEN_PLAN_STATUSES,
    PLAN_TRANSITIONS,
    REASON_REQUIRED,
    PlanStatus,
    RepatriationPlan,
    RepatriationStep,
    Responsible,
    StepKind,
    StepStatus,
    StepTemplate,
    StepTemplateItem,
)
from .routes import default_template, template_for

PLAN_FIELDS = (
    "current_country",
    "place",
    "situation",
    "home_country",
    "home_province",
    "embassy",
    "lead_organization",
    "target_return_date",
)


class StaleStep(ValidationError):
    """The step changed since the user loaded it; their save is refused, not merged."""


def _case_link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _members(case: Case, org_ids: set[int | None]) -> list[User]:
    """Active members of those organisations that hold view on the case: an organisation
    named on a plan but not (yet) granted access is not told about the case."""
    ids = {i for i in org_ids if i is not None and access.VIEW in access.org_perms(i, case)}
    if not ids:
        return []
    return list(User.objects.filter(organization_id__in=ids, is_active=True))


@transaction.atomic
def plan_create(*, case: Case, by: User, **fields: Any) -> RepatriationPlan:
    """Create the case's plan (status planning) and its steps from the route's template.

    ``fields`` are the plan's fields (PLAN_FIELDS). Raises ValidationError when the case has
    a plan already or the embassy is not an embassy."""
    access.require(by, case, access.UPDATE_REPATRIATION)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    if RepatriationPlan.objects.filter(case=case).exists():
        raise ValidationError(_("This case already has a repatriation plan."))
    plan = RepatriationPlan(case=case, created_by=by, **fields)
    if plan.embassy.kind != OrganizationKind.EMBASSY:
        raise ValidationError({"embassy": _("Choose an embassy or consulate.")})
    plan.full_clean(exclude=["case"])
    template = template_for(
        lead=plan.lead_organization,
        home_country=str(plan.home_country),
        current_country=str(plan.current_country),
    )
    plan.template = template
    plan.save()
    start = timezone.localdate()
    who = {
        Responsible.OWNER: case.owner_organization_id,
        Responsible.EMBASSY: plan.embassy_id,
        Responsible.LEAD: plan.lead_organization_id,
    }
    # With history: each step's first version is recorded, by whom (django-simple-history).
    bulk_create_with_history(
        [
            RepatriationStep(
                plan=plan,
                order=item.order,
                kind=item.kind,
                responsible_organization_id=who[Responsible(item.responsible)],
                due_date=start + timedelta(days=item.due_after_days),
            )
            for item in template.items.order_by("order")
        ],
        RepatriationStep,
        default_user=by,
    )
    timeline.record(
        case=case,
        kind="repatriation_plan_created",
        actor=by,
        data={"embassy": plan.embassy.name, "lead": plan.lead_organization.name},
    )
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        detail={"repatriation_plan": plan.pk, "created": True},
    )
    return plan


@transaction.atomic
def plan_update(*, plan: RepatriationPlan, by: User, **fields: Any) -> RepatriationPlan:
    """Change the plan's details (not its status: plan_set_status)."""
    plan = RepatriationPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    access.require(by, plan.case, access.UPDATE_REPATRIATION)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    changed = [f for f, v in fields.items() if getattr(plan, f) != v]
    for f in changed:
        setattr(plan, f, fields[f])
    if not changed:
        return plan
    if plan.embassy.kind != OrganizationKind.EMBASSY:
        raise ValidationError({"embassy": _("Choose an embassy or consulate.")})
    plan.full_clean(exclude=["case"])
    plan.version += 1
    plan.save()
    timeline.record(case=plan.case, kind="repatriation_plan_updated", actor=by)
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=plan.case,
        detail={"repatriation_plan": plan.pk, "fields": sorted(changed)},
    )
    return plan


@transaction.atomic
def plan_set_status(*, plan: RepatriationPlan, status: str, by: User) -> RepatriationPlan:
    """Move the plan along PLAN_TRANSITIONS. Starting it (→ in progress) needs the person's
    current consent to return."""
    plan = RepatriationPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
    case = plan.case
    access.require(by, case, access.UPDATE_REPATRIATION)
    old = PlanStatus(plan.status)
    new = PlanStatus(status)
    if new not in PLAN_TRANSITIONS[old]:
        raise ValidationError(
            _("A plan that is %(old)s cannot become %(new)s.")
            % {"old": old.label, "new": new.label}
        )
    if new == PlanStatus.IN_PROGRESS and not has_consent(case, ConsentPurpose.REPATRIATION):
        raise ValidationError(
            _(
                "The plan cannot start: the person's consent to return is not recorded "
                "(or was withdrawn). Record it on the case first."
            )
        )
    plan.status = new
    plan.version += 1
    plan.save(update_fields=["status", "version", "updated_at"])
    timeline.record(
        case=case,
        kind="repatriation_plan_status",
        actor=by,
        data={"old": old.value, "new": new.value},  # codes: shown in words
    )
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        detail={"repatriation_plan": plan.pk, "status": [old.value, new.value]},
    )
    notify(
        recipients=[
            u
            for u in _members(case, {case.owner_organization_id, plan.lead_organization_id})
            if u.pk != by.pk
        ],
        kind="repatriation_plan_status",
        message=_("%(reference)s: repatriation plan is now %(status)s"),
        params={"reference": case.reference, "status": new.label},
        link=_case_link(case),
    )
    return plan


def _next_step(step: RepatriationStep) -> RepatriationStep | None:
    """The first unfinished step after ``step`` — who has to act next."""
    return (
        RepatriationStep.objects.filter(plan_id=step.plan_id, order__gt=step.order)
        .exclude(status__in=[StepStatus.DONE, StepStatus.SKIPPED])
        .order_by("order")
        .first()
    )


# What StepForm edits: the page and the API both update a step through step_update_from_form.
STEP_FORM_FIELDS = ("status", "due_date", "note", "reason")


def step_update_from_form(*, step: RepatriationStep, by: User, cleaned: dict) -> RepatriationStep:
    """The step update of the page and the API, from ``StepForm``'s cleaned data. A field the
    user may not see (``STEP_FIELDS``, cases.disclosure) is not in their form and keeps its
    value; a field the API's partial update left out was filled from the step by the caller."""
    values = {
        name: cleaned[name] if name in cleaned else getattr(step, name) for name in STEP_FORM_FIELDS
    }
    return step_update(step=step, by=by, version=cleaned["version"], **values)


@transaction.atomic
def step_update(
    *,
    step: RepatriationStep,
    by: User,
    version: int,
    status: str,
    due_date: date | None,
    note: str = "",
    reason: str = "",
) -> RepatriationStep:
    """Update one step. ``version`` is the step's version the user saw: if someone saved the
    step since, StaleStep is raised and nothing is written. Blocked and skipped need a reason.
    Changes only this step — never the case or its other steps."""
    step = (
        RepatriationStep.objects.select_for_update(of=("self",))
        .select_related("plan__case", "responsible_organization")
        .get(pk=step.pk)
    )
    plan = step.plan
    case = plan.case
    access.require(by, case, access.UPDATE_REPATRIATION)
    if step.version != version:
        raise StaleStep(
            _(
                "Someone else changed this step while you were editing it. Your input is "
                "kept below; check the step's current state and save again."
            )
        )
    if plan.status not in OPEN_PLAN_STATUSES:
        raise ValidationError(
            _("The plan is %(status)s: its steps cannot change.")
            % {"status": PlanStatus(plan.status).label}
        )
    new_status = StepStatus(status)
    note = note.strip()
    reason = reason.strip()
    if new_status in REASON_REQUIRED and not reason:
        raise ValidationError(
            {"reason": _("Say why the step is %(status)s.") % {"status": new_status.label}}
        )
    if new_status not in REASON_REQUIRED:
        reason = ""
    old_status = StepStatus(step.status)
    if (
        old_status == new_status
        and step.due_date == due_date
        and step.note == note
        and step.reason == reason
    ):
        return step
    now = timezone.now()
    if step.due_date != due_date:
        step.overdue_flagged_at = None
    step.status = new_status
    due_date_changed = step.due_date != due_date
    step.due_date = due_date
    if due_date_changed:  # one range for every path (config.dates)
        validate_fields(step, ["due_date"])
    step.note = note
    step.reason = reason
    validate_fields(step, ["note", "reason"])  # the model's length, on every path
    step.done_at = (step.done_at or now) if new_status == StepStatus.DONE else None
    step.changed_by = by
    step.changed_at = now
    step.version += 1
    step._history_user = by  # type: ignore[attr-defined]  # change history
    step.save()

    if new_status == StepStatus.DONE and old_status != StepStatus.DONE:
        signals.step_done.send(sender=RepatriationStep, step=step, by=by)

    data = {"step": step.kind, "status": new_status.value}  # codes: shown in words
    timeline.record(case=case, kind="repatriation_step_changed", actor=by, data=data)
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        detail={
            "repatriation_step": step.pk,
            "status": [old_status.value, new_status.value],
            "due_date": due_date.isoformat() if due_date else None,
        },
    )
    nxt = _next_step(step)
    recipients = _members(
        case, {case.owner_organization_id, nxt.responsible_organization_id if nxt else None}
    )
    notify(
        recipients=[u for u in recipients if u.pk != by.pk],
        kind="repatriation_step_changed",
        message=_('%(reference)s: repatriation step "%(step)s" is now %(status)s'),
        params={
            "reference": case.reference,
            "step": StepKind(step.kind).label,  # lazy: the reader's language
            "status": new_status.label,
        },
        link=_case_link(case),
        # A blocked step reaches the phones of those who turned push on (notifications/push.py).
        push=new_status == StepStatus.BLOCKED,
    )
    return step


def steps_flag_overdue(*, today: date | None = None, batch: int = 500) -> int:
    """Flag unfinished steps past their due date on open plans and tell the responsible
    organisation (the owner when none is set), once per step: a flagged step is skipped until
    its due date changes. Safe to run concurrently (SKIP LOCKED). Returns how many it flagged."""
    today = today or timezone.localdate()
    flagged = 0
    with transaction.atomic():
        steps = list(
            RepatriationStep.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("plan__case")
            .filter(
                Q(due_date__lt=today),
                overdue_flagged_at__isnull=True,
                plan__status__in=OPEN_PLAN_STATUSES,
            )
            .exclude(status__in=[StepStatus.DONE, StepStatus.SKIPPED])
            .order_by("due_date", "pk")[:batch]
        )
        now = timezone.now()
        for step in steps:
            case = step.plan.case
            step.overdue_flagged_at = now
            step.save(update_fields=["overdue_flagged_at"])
            timeline.record(
                case=case,
                kind="repatriation_step_overdue",
                data={"step": step.kind},
            )
            org_id = step.responsible_organization_id or case.owner_organization_id
            notify(
                # An organisation without access to the case is not told; the owner is.
                recipients=_members(case, {org_id}) or _members(case, {case.owner_organization_id}),
                kind="repatriation_step_overdue",
                message=_('%(reference)s: repatriation step "%(step)s" is past its due date'),
                params={"reference": case.reference, "step": StepKind(step.kind).label},
                link=_case_link(case),
            )
            flagged += 1
    return flagged


def _require_org_admin(by: User, template: StepTemplate | None = None) -> None:
    """Templates are organisation settings, not case data: an organisation admin manages
    their own organisation's templates only."""
    if not has_right(by, Right.MANAGE_ROUTE_TEMPLATES):
        raise PermissionDenied
    if template is not None and template.organization_id != by.organization_id:
        raise Http404("No such template")


@transaction.atomic
def template_create(
    *, by: User, name: str, home_country: str = "", current_country: str = ""
) -> StepTemplate:
    """A template of the admin's organisation for a route, starting from the default steps."""
    _require_org_admin(by)
    base = default_template()
    template = StepTemplate.objects.create(
        name=name,
        organization_id=by.organization_id,
        home_country=home_country,
        current_country=current_country,
    )
    StepTemplateItem.objects.bulk_create(
        StepTemplateItem(
            template=template,
            order=i.order,
            kind=i.kind,
            responsible=i.responsible,
            due_after_days=i.due_after_days,
        )
        for i in base.items.all()
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=template, detail={"created": True})
    return template


@transaction.atomic
def template_update(
    *,
    template: StepTemplate,
    by: User,
    name: str,
    home_country: str,
    current_country: str,
    items: list[dict[str, Any]],
) -> StepTemplate:
    """Replace the template's route and steps. ``items``: dicts with order, kind, responsible,
    due_after_days (orders unique). Rewritten as a whole so that swapping two orders never
    trips the unique (template, order) constraint half-way. Running plans keep their steps."""
    _require_org_admin(by, template)
    if not items:
        raise ValidationError(_("A template needs at least one step."))
    orders = [i["order"] for i in items]
    if len(set(orders)) != len(orders):
        raise ValidationError(_("Two steps have the same order."))
    template.name = name
    template.home_country = home_country
    template.current_country = current_country
    template.save()
    template.items.all().delete()
    StepTemplateItem.objects.bulk_create(
        StepTemplateItem(
            template=template,
            order=i["order"],
            kind=i["kind"],
            responsible=i["responsible"],
            due_after_days=i["due_after_days"],
        )
        for i in sorted(items, key=lambda i: i["order"])
    )
    audit_record(
        action=AuditAction.CHANGED, actor=by, target=template, detail={"steps": len(items)}
    )
    return template
