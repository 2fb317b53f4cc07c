"""The dashboard's repatriation figures and the case-list filters their numbers link to.

- "Repatriations by current step": plans not completed or cancelled (planning, in progress,
  suspended) of the visible, filtered cases, grouped by their current step — the first step,
  in plan order, that is neither done nor skipped (as on the case page). Plans whose steps
  are all finished are counted under "All steps finished". One query.
- "Repatriations blocked or overdue": plans being prepared or carried out
  (``OPEN_PLAN_STATUSES``, as "My repatriations") with a blocked step; with a step not
  finished whose due date has passed. A plan may be both. One query.
- "Median days from first call to return home": for the visible, filtered cases whose
  person has returned — the earliest "arrived" or "handed over" step marked done — the days
  from the case's first distress call (its registration when no call is linked) to that step's
  ``done_at``. Durations computed in the database (one query, one value per returned case),
  the median by ``reports.figures.median_days``. Left out when no case has returned.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import list_filters
from cases.models import Case, DistressCall
from reports.figures import Figure, Row, median_days
from reports.selectors import Filters, case_list_url, visible_cases

from .models import (
    FINISHED,
    OPEN_PLAN_STATUSES,
    PlanStatus,
    RepatriationPlan,
    RepatriationStep,
    StepKind,
    StepStatus,
)

# Plans still under way (by-step figure): not completed, not cancelled.
ACTIVE_PLAN_STATUSES = (PlanStatus.PLANNING, PlanStatus.IN_PROGRESS, PlanStatus.SUSPENDED)
# The steps whose completion means the person is home.
HOME_STEPS = (StepKind.ARRIVED, StepKind.HANDED_OVER)
# Case-list value of ``repatriation_step`` for an active plan with every step finished.
ALL_FINISHED = "finished"

BLOCKED = "blocked"
OVERDUE = "overdue"
RETURNED = "returned"
REPATRIATION_STATES = [
    (BLOCKED, _("A step is blocked")),
    (OVERDUE, _("A step is overdue")),
    (RETURNED, _("Returned home")),
]


def _current_step() -> Subquery:
    """The kind of the plan's first unfinished step (NULL when all are finished)."""
    return Subquery(
        RepatriationStep.objects.filter(plan=OuterRef("pk"))
        .exclude(status__in=FINISHED)
        .order_by("order")
        .values("kind")[:1]
    )


def _blocked() -> Exists:
    return Exists(RepatriationStep.objects.filter(plan=OuterRef("pk"), status=StepStatus.BLOCKED))


def _overdue() -> Exists:
    return Exists(
        RepatriationStep.objects.filter(
            plan=OuterRef("pk"), due_date__lt=timezone.localdate()
        ).exclude(status__in=FINISHED)
    )


def _home_at() -> Subquery:
    """When the case's person was home: the earliest home step done (per case)."""
    return Subquery(
        RepatriationStep.objects.filter(
            plan__case=OuterRef("pk"), kind__in=HOME_STEPS, status=StepStatus.DONE
        )
        .exclude(done_at=None)
        .order_by("done_at")
        .values("done_at")[:1],
        output_field=DateTimeField(),
    )


def _first_call_at() -> Subquery:
    return Subquery(
        DistressCall.objects.filter(cases=OuterRef("pk"))
        .order_by("received_at")
        .values("received_at")[:1],
        output_field=DateTimeField(),
    )


# --- case-list filters ---------------------------------------------------------------------


def filter_by_step(qs: QuerySet[Case], value: str, user: Any) -> QuerySet[Case]:
    plans = RepatriationPlan.objects.filter(
        case=OuterRef("pk"), status__in=ACTIVE_PLAN_STATUSES
    ).annotate(_current=_current_step())
    if value == ALL_FINISHED:
        plans = plans.filter(_current__isnull=True)
    else:
        plans = plans.filter(_current=value)
    return qs.filter(Exists(plans))


def filter_by_state(qs: QuerySet[Case], value: str, user: Any) -> QuerySet[Case]:
    if value == RETURNED:
        return qs.alias(_home=_home_at()).filter(_home__isnull=False)
    plans = RepatriationPlan.objects.filter(case=OuterRef("pk"), status__in=OPEN_PLAN_STATUSES)
    plans = plans.filter(_blocked() if value == BLOCKED else _overdue())
    return qs.filter(Exists(plans))


# --- figures -------------------------------------------------------------------------------


def _period(filters: Filters) -> dict[str, str]:
    return {"start": filters.date_from.isoformat(), "end": filters.date_to.isoformat()}


def by_step(user: Any, filters: Filters) -> Figure:
    counts = {
        row["current"]: row["n"]
        for row in RepatriationPlan.objects.filter(
            case_id__in=visible_cases(user, filters).values("pk"),
            status__in=ACTIVE_PLAN_STATUSES,
        )
        .annotate(current=_current_step())
        .order_by()
        .values("current")
        .annotate(n=Count("pk"))
        .values("current", "n")
    }
    rows = [
        Row(label, counts.get(kind, 0), case_list_url(filters, repatriation_step=kind))
        for kind, label in StepKind.choices
    ]
    if counts.get(None):
        rows.append(
            Row(
                _("All steps finished"),
                counts[None],
                case_list_url(filters, repatriation_step=ALL_FINISHED),
            )
        )
    return Figure(
        rows=rows,
        note=_(
            "Repatriations not completed or cancelled, by their first step not yet done or "
            "skipped. Cases registered from %(start)s to %(end)s."
        )
        % _period(filters),
        value_label=_("Cases"),
    )


def blocked_overdue(user: Any, filters: Filters) -> Figure:
    agg = (
        RepatriationPlan.objects.filter(
            case_id__in=visible_cases(user, filters).values("pk"),
            status__in=OPEN_PLAN_STATUSES,
        )
        .alias(_is_blocked=_blocked(), _is_overdue=_overdue())
        .aggregate(
            blocked=Count("pk", filter=Q(_is_blocked=True)),
            overdue=Count("pk", filter=Q(_is_overdue=True)),
        )
    )
    return Figure(
        rows=[
            Row(_("Blocked"), agg["blocked"], case_list_url(filters, repatriation=BLOCKED)),
            Row(_("Overdue"), agg["overdue"], case_list_url(filters, repatriation=OVERDUE)),
        ],
        note=_(
            "Repatriations being planned or carried out with a blocked step, or a step past "
            "its due date (a repatriation may be both). Cases registered from %(start)s to "
            "%(end)s."
        )
        % _period(filters),
        value_label=_("Cases"),
    )


def median_days_home(user: Any, filters: Filters) -> Figure | None:
    # Narrowed first to the cases with a home step done, so that the per-case subqueries run
    # for the returned cases only, not for every visible case.
    returned = RepatriationStep.objects.filter(
        kind__in=HOME_STEPS, status=StepStatus.DONE, done_at__isnull=False
    ).values("plan__case_id")
    durations = list(
        visible_cases(user, filters)
        .filter(pk__in=returned)
        .alias(home=_home_at(), start=Coalesce(_first_call_at(), F("created_at")))
        .filter(home__isnull=False)
        .annotate(took=ExpressionWrapper(F("home") - F("start"), output_field=DurationField()))
        .values_list("took", flat=True)
    )
    median = median_days(d.total_seconds() / 86400 for d in durations if d is not None)
    if median is None:
        return None
    return Figure(
        rows=[Row(_("Median days"), round(median, 1), None)],
        note=_(
            "Over %(n)s cases whose person returned home (arrival or hand-over recorded as "
            "done), from the first distress call (or the registration) to that step. Cases "
            "registered from %(start)s to %(end)s."
        )
        % {"n": len(durations), **_period(filters)},
        value_label=_("Days"),
        chart=False,
    )


def register() -> None:
    from reports import figures

    figures.register("repatriation_by_step", _("Repatriations by current step"), by_step, order=40)
    figures.register(
        "repatriation_blocked", _("Repatriations blocked or overdue"), blocked_overdue, order=41
    )
    figures.register(
        "repatriation_median_days",
        _("Median days from first call to return home"),
        median_days_home,
        order=42,
    )
    list_filters.CASES.register(
        "repatriation_step",
        _("Repatriation step"),
        lambda: forms.ChoiceField(
            choices=[
                ("", _("Any")),
                *StepKind.choices,
                (ALL_FINISHED, _("All steps finished")),
            ],
            required=False,
        ),
        filter_by_step,
        order=50,
    )
    list_filters.CASES.register(
        "repatriation",
        _("Repatriation"),
        lambda: forms.ChoiceField(choices=[("", _("Any")), *REPATRIATION_STATES], required=False),
        filter_by_state,
        order=51,
    )
