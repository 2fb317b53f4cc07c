"""Follow-ups 3, 6 and 12 months after the return: scheduled when the person is handed over at
home (repatriation's last step, ``repatriation.signals.step_done``) or when reintegration is
started by hand; recorded by the assigned organisation; reminded once when overdue.

Each follow-up is due ``months`` calendar months after the return, in a window of
``WINDOW`` either side; it is overdue once the window has closed without a record."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, disclosure, timeline
from cases.models import Case
from config.dates import PAST_EVENT
from notifications.services import notify
from partners.models import Organization, User
from partners.roles import ROLE_PERMS

from .models import FOLLOW_UP_FIELDS, OUTCOMES, FollowUp
from .vocab import MILESTONES

WINDOW = timedelta(days=14)

RECORD_INPUT = ("held_on", "method", "reached", "place", "note", *OUTCOMES)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def home_organization(
    case: Case, home_country: str, candidates: list[Organization]
) -> Organization:
    """The organisation in the person's home country that holds ``record_services`` on the
    case: among ``candidates`` (the plan's lead, then the owner) the first in that country,
    else the owner (who always may)."""
    for org in candidates:
        if (
            org is not None
            and str(org.country) == str(home_country)
            and access.RECORD_SERVICES in access.org_perms(org, case)
        ):
            return org
    return case.owner_organization


def follow_ups_schedule(
    *, case: Case, returned_on: date, organization: Organization, by: User | None = None
) -> list[FollowUp]:
    """Create the case's 3-, 6- and 12-month follow-ups unless they exist (idempotent: a
    handed-over step marked done again, or the button pressed twice, adds nothing)."""
    if FollowUp.objects.filter(case=case).exists():
        return []
    rows = []
    for months in MILESTONES:
        due = add_months(returned_on, months)
        rows.append(
            FollowUp(
                case=case,
                months=months,
                returned_on=returned_on,
                due_on=due,
                window_start=due - WINDOW,
                window_end=due + WINDOW,
                assigned_organization=organization,
            )
        )
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(FollowUp.objects.filter(case=case).order_by("months"))
    timeline.record(
        case=case,
        kind="follow_ups_scheduled",
        actor=by,
        organization=organization,
        data={"organization": organization.name, "returned_on": returned_on.isoformat()},
    )
    return created


def on_step_done(sender: Any, step: Any, by: User, **kwargs: Any) -> None:
    """repatriation.signals.step_done: the person handed over at home starts the follow-ups,
    in the step's transaction."""
    from repatriation.models import StepKind

    if step.kind != StepKind.HANDED_OVER:
        return
    plan = step.plan
    case = plan.case
    returned_on = timezone.localdate(step.done_at) if step.done_at else timezone.localdate()
    org = home_organization(
        case, str(plan.home_country), [plan.lead_organization, case.owner_organization]
    )
    follow_ups_schedule(case=case, returned_on=returned_on, organization=org, by=by)


@transaction.atomic
def reintegration_start(*, case: Case, by: User, returned_on: date) -> list[FollowUp]:
    """Start reintegration by hand (a return not tracked as a plan): the follow-ups, assigned
    to the user's organisation."""
    access.require(by, case, access.RECORD_SERVICES)
    try:
        PAST_EVENT(returned_on)
    except ValidationError as exc:
        raise ValidationError({"returned_on": exc.messages}) from None
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    if FollowUp.objects.filter(case=case).exists():
        raise ValidationError(_("Reintegration has started on this case already."))
    assert by.organization is not None  # require() passed: a member
    return follow_ups_schedule(
        case=case, returned_on=returned_on, organization=by.organization, by=by
    )


def _clean_outcomes(values: dict[str, Any], by: User, case: Case) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not values.get("reached"):
        # Nobody was reached: there is nothing to say about the person.
        for name in OUTCOMES:
            values[name] = "" if name.endswith("currency") or name == "health" else None
        return values
    for amount, currency in (("income_month", "income_currency"), ("debt_amount", "debt_currency")):
        values[currency] = (values.get(currency) or "").upper()
        if values.get(amount) is not None and not values[currency]:
            errors[currency] = _("Enter the currency of the amount (ISO 4217, e.g. KHR).")
    if not values.get("working"):
        values["income_month"], values["income_currency"] = None, ""
    if not values.get("in_debt"):
        values["debt_amount"], values["debt_currency"] = None, ""
    new_case = values.get("new_case")
    if new_case is not None:
        if not values.get("re_trafficked"):
            values["new_case"] = None
        elif not access.user_can(by, new_case, access.VIEW) or new_case.pk == case.pk:
            errors["new_case"] = _("Choose another case your organisation can see.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, by: User, **values: Any) -> FollowUp:
    """Record (or correct) what a follow-up found. Only the assigned organisation or the
    owner, with ``record_services``; never dated before the return."""
    unknown = set(values) - set(RECORD_INPUT)
    if unknown:
        raise TypeError(f"Unknown follow-up fields: {sorted(unknown)}")
    fu = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("case", "assigned_organization")
        .get(pk=follow_up.pk)
    )
    case = fu.case
    access.require(by, case, access.RECORD_SERVICES)
    if by.organization_id not in (fu.assigned_organization_id, case.owner_organization_id):
        raise PermissionDenied
    disclosure.require_identity_for(by, case, FOLLOW_UP_FIELDS, values)
    held_on = values.get("held_on")
    if held_on is None:
        raise ValidationError({"held_on": _("Enter the day of the follow-up.")})
    if held_on < fu.returned_on:
        raise ValidationError(
            {
                "held_on": _("A follow-up cannot be dated before the return (%(returned)s).")
                % {"returned": fu.returned_on.isoformat()}
            }
        )
    if values.get("reached") is None:
        raise ValidationError({"reached": _("Say whether the person was reached.")})
    values = _clean_outcomes(dict(values), by, case)
    first = fu.recorded_at is None
    for name, value in values.items():
        setattr(fu, name, value)
    fu.recorded_by = by
    fu.recorded_at = timezone.now()
    fu.full_clean(exclude=["case", "new_case"])
    fu.save()
    timeline.record(
        case=case,
        kind="follow_up_recorded" if first else "follow_up_corrected",
        actor=by,
        data={"months": fu.months, "reached": "yes" if fu.reached else "no"},
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"follow_up": fu.pk})
    return fu


# --- reminders ------------------------------------------------------------------------------


def _recorders(org_id: int) -> list[User]:
    roles = [role for role, perms in ROLE_PERMS.items() if access.RECORD_SERVICES in perms]
    return list(User.objects.filter(organization_id=org_id, is_active=True, role__in=roles))


def follow_up_reminders_send(*, today: date | None = None, batch: int = 500) -> int:
    """Remind the assigned organisation of each follow-up whose window has closed without a
    record, once: the row records it, under a lock (``skip_locked``), so concurrent or
    repeated runs send nothing twice. Returns how many were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    due = FollowUp.objects.filter(
        window_end__lt=today, recorded_at__isnull=True, reminded_at__isnull=True
    )
    for pk in due.values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            fu = (
                FollowUp.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "assigned_organization")
                .filter(pk=pk, recorded_at__isnull=True, reminded_at__isnull=True)
                .first()
            )
            if fu is None:
                continue
            org_id = fu.assigned_organization_id
            if access.VIEW not in access.org_perms(org_id, fu.case):
                org_id = fu.case.owner_organization_id  # a transferred case: its owner now
            notify(
                recipients=_recorders(org_id),
                kind="follow_up_due",
                message=_("%(reference)s: the %(months)s-month follow-up is overdue"),
                params={"reference": fu.case.reference, "months": fu.months},
                link=reverse("cases:detail", args=[fu.case_id]),
            )
            timeline.record(case=fu.case, kind="follow_up_overdue", data={"months": fu.months})
            fu.reminded_at = timezone.now()
            fu.save(update_fields=["reminded_at"])
            reminded += 1
    return reminded
