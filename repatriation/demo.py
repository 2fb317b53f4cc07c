"""Demo repatriation plans at different stages (idempotent: a case with a plan is left as it
is). Called by seed_demo after the cases exist."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases import access, identity_index, timeline
from cases.models import Case
from partners.models import Organization, User

from .models import PlanStatus, RepatriationPlan, RepatriationStep, Situation, StepKind, StepStatus
from .services import plan_create


def _case(owner: Organization, given: str, family: str) -> Case | None:
    return identity_index.first_with_latin_name(
        Case.objects.filter(owner_organization=owner), given, family
    )


def _set_steps(plan: RepatriationPlan, by: User, states: Mapping[str, tuple[str, str]]) -> None:
    """Put steps in a state directly: the demo tells a story that happened in the past, so it
    bypasses the notifications a live change sends."""
    now = timezone.now()
    for step in plan.steps.all():
        status, text = states.get(step.kind, (StepStatus.NOT_STARTED, ""))
        step.status = status
        step.note = text if status != StepStatus.BLOCKED else ""
        step.reason = text if status in (StepStatus.BLOCKED, StepStatus.SKIPPED) else ""
        step.done_at = now - timedelta(days=30 - step.order) if status == StepStatus.DONE else None
        if status != StepStatus.NOT_STARTED:
            step.changed_by, step.changed_at = by, now
        step.save()


@transaction.atomic
def seed(*, orgs: dict[str, Organization], users: dict[str, User]) -> None:
    owner, embassy, iom = orgs["PPCARE"], orgs["KHEMBKL"], orgs["IOMKL"]
    coordinator = users["coordinator"]
    today = timezone.localdate()

    # In progress: the embassy is issuing the travel document; exit clearance is next.
    case = _case(owner, "Sopheap", "Ly")
    if case is not None and not RepatriationPlan.objects.filter(case=case).exists():
        new = access.grant(case, iom, [access.VIEW, access.UPDATE_REPATRIATION])
        if new:
            timeline.record(
                case=case,
                kind="access_granted",
                actor=coordinator,
                data={"organization": iom.name, "perms": sorted(new)},
            )
        plan = plan_create(
            case=case,
            by=coordinator,
            current_country="MY",
            place="Safe Harbour Shelter, Penang",
            situation=Situation.SHELTER,
            home_country="KH",
            home_province="Prey Veng",
            embassy=embassy,
            lead_organization=iom,
            target_return_date=today + timedelta(days=21),
        )
        plan.status = PlanStatus.IN_PROGRESS
        plan.save(update_fields=["status"])
        done = "Confirmed by the shelter."
        _set_steps(
            plan,
            coordinator,
            {
                StepKind.LOCATED_SAFE: (StepStatus.DONE, done),
                StepKind.INTERVIEW: (StepStatus.DONE, "Identified as a victim of servitude."),
                StepKind.CONSENT: (StepStatus.DONE, "Recorded by the caseworker."),
                StepKind.NATIONALITY: (StepStatus.DONE, "Verified from a birth certificate."),
                StepKind.TRAVEL_DOCUMENT: (StepStatus.IN_PROGRESS, "Photos taken."),
                StepKind.FAMILY_TRACING: (StepStatus.IN_PROGRESS, ""),
            },
        )
        plan.steps.filter(kind=StepKind.TRAVEL_DOCUMENT).update(due_date=today + timedelta(days=3))

    # Completed: home, follow-ups under way.
    case = _case(owner, "Samnang", "Mao")
    if case is not None and not RepatriationPlan.objects.filter(case=case).exists():
        plan = plan_create(
            case=case,
            by=coordinator,
            current_country="TH",
            situation=Situation.SHELTER,
            home_country="KH",
            home_province="Battambang",
            embassy=embassy,
            lead_organization=owner,
            target_return_date=today - timedelta(days=20),
        )
        plan.status = PlanStatus.COMPLETED
        plan.save(update_fields=["status"])
        finished = {
            k: (StepStatus.DONE, "")
            for k in StepKind.values
            if k not in (StepKind.FOLLOW_UP_3, StepKind.FOLLOW_UP_6, StepKind.FOLLOW_UP_12)
        }
        finished[StepKind.EXIT_CLEARANCE] = (StepStatus.SKIPPED, "Not detained; left freely.")
        _set_steps(plan, coordinator, finished)

    # Planning: waiting for the embassy to verify nationality.
    case = _case(owner, "Vannak", "Heng")
    if case is not None and not RepatriationPlan.objects.filter(case=case).exists():
        plan = plan_create(
            case=case,
            by=coordinator,
            current_country="MY",
            situation=Situation.DETENTION,
            home_country="KH",
            home_province="Kampot",
            embassy=embassy,
            lead_organization=owner,
        )
        _set_steps(plan, coordinator, {StepKind.LOCATED_SAFE: (StepStatus.DONE, "")})
    # Keep the demo's due dates in the future so the hourly task does not flag them at once
    # (the overdue story is told by the tests).
    RepatriationStep.objects.filter(plan__case__owner_organization=owner).exclude(
        status__in=[StepStatus.DONE, StepStatus.SKIPPED]
    ).filter(due_date__lt=today).update(due_date=today + timedelta(days=7))
