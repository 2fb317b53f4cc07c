"""Reads for repatriation pages. Every list starts from cases.access.cases_visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from cases import access
from cases.models import Case

from .models import FINISHED, OPEN_PLAN_STATUSES, RepatriationPlan, RepatriationStep, StepStatus

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Progress:
    plan_id: int | None
    done: int
    total: int
    current: RepatriationStep | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(steps: list[RepatriationStep]) -> Progress:
    """Done (or skipped) / total, and the current step: the first unfinished one."""
    done = sum(1 for s in steps if s.status in FINISHED)
    current = next((s for s in steps if s.status not in FINISHED), None)
    plan_id = steps[0].plan_id if steps else None
    return Progress(plan_id=plan_id, done=done, total=len(steps), current=current)


def _steps_prefetch() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=RepatriationStep.objects.select_related(
            "responsible_organization", "changed_by"
        ).order_by("order"),
    )


def plan_for_case(case: Case) -> RepatriationPlan | None:
    """The case's plan with its steps (two queries). The caller has checked access."""
    return (
        RepatriationPlan.objects.filter(case=case)
        .select_related("embassy", "lead_organization")
        .prefetch_related(_steps_prefetch())
        .first()
    )


def my_repatriations(user) -> QuerySet[RepatriationPlan]:
    """Plans on cases the user may see where their organisation is the embassy, the lead or
    responsible for a step; what needs action first: a step overdue, then blocked, then due
    within DUE_SOON_DAYS, then the rest. Two queries (plans, steps) whatever the row count."""
    org_id = getattr(user, "organization_id", None)
    if org_id is None:
        return RepatriationPlan.objects.none()
    today = timezone.localdate()
    open_step = ~Q(steps__status__in=FINISHED)
    return (
        RepatriationPlan.objects.filter(
            Q(embassy_id=org_id)
            | Q(lead_organization_id=org_id)
            | Exists(
                RepatriationStep.objects.filter(
                    plan=OuterRef("pk"), responsible_organization_id=org_id
                )
            ),
            case__in=access.cases_visible_to(user, access.VIEW).values("pk"),
        )
        .select_related("case", "embassy", "lead_organization")
        .prefetch_related(_steps_prefetch())
        .annotate(
            n_overdue=Count("steps", filter=open_step & Q(steps__due_date__lt=today)),
            n_blocked=Count("steps", filter=Q(steps__status=StepStatus.BLOCKED)),
            n_due_soon=Count(
                "steps",
                filter=open_step
                & Q(
                    steps__due_date__gte=today,
                    steps__due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
                ),
            ),
            next_due=Min("steps__due_date", filter=open_step),
        )
        .annotate(
            priority=models.Case(
                # Finished or cancelled plans need no action, whatever their steps say.
                When(~Q(status__in=OPEN_PLAN_STATUSES), then=Value(4)),
                When(n_overdue__gt=0, then=Value(0)),
                When(n_blocked__gt=0, then=Value(1)),
                When(n_due_soon__gt=0, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("priority", "next_due", "pk")
    )
