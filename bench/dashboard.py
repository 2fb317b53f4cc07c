"""The coordinator dashboard at scale (issue 11): `/reports/` for a coordinator of the focus
organisation, against its floor (the same SQL run raw), and one case list a dashboard number
links to.

The base seed has no referrals or repatriation plans, so this first adds them in bulk
(``seed_referrals_and_plans``): a pending referral on every 20th case (a third of them past
their deadline), one to the focus organisation on every 40th, and a 14-step plan on every
30th case (every 10th of the focus organisation's) with a random number of steps done, some
blocked, some overdue. Registered in bench/run.py's EXTRA_MEASUREMENTS. Nothing here imports
Django at module level (run.py imports it before Django is set up)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

REFERRAL_EVERY = 20
RECEIVED_EVERY = 40
PLAN_EVERY = 30
# The focus organisation (whose coordinator is measured) has more: every 10th of its cases.
FOCUS_PLAN_EVERY = 10


def seed_referrals_and_plans(ctx: Any) -> dict[str, int]:
    """Bulk rows (no history, no notifications): enough for the dashboard's joins to work."""
    from django.utils import timezone

    from partners.models import Organization, OrganizationKind
    from referrals.models import Referral, ReferralStatus
    from repatriation.models import (
        PlanStatus,
        RepatriationPlan,
        RepatriationStep,
        Situation,
        StepKind,
        StepStatus,
    )

    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    embassy, _ = Organization.objects.get_or_create(
        code="benchembassy",
        defaults={
            "name": "Bench embassy",
            "kind": OrganizationKind.EMBASSY,
            "country": "MY",
        },
    )
    org_ids = [o.pk for o in ctx.orgs]
    creator = {org_id: members[0] for org_id, members in ctx.users.items()}
    referrals = []
    for i, case_id in enumerate(ctx.case_ids):
        owner = ctx.case_owner[case_id]
        to_ids = []
        if i % REFERRAL_EVERY == 0:
            to_ids.append(rng.choice([o for o in org_ids if o != owner]))
        if i % RECEIVED_EVERY == 5 and owner != ctx.focus.pk and ctx.focus.pk not in to_ids:
            to_ids.append(ctx.focus.pk)
        for to_id in to_ids:
            overdue = rng.random() < 0.33
            referrals.append(
                Referral(
                    case_id=case_id,
                    from_organization_id=owner,
                    to_organization_id=to_id,
                    service="shelter",
                    urgency="urgent",
                    status=ReferralStatus.PENDING,
                    respond_by=now + timedelta(hours=-6 if overdue else 30),
                    created_by=creator[owner],
                )
            )
    Referral.objects.bulk_create(referrals, batch_size=2000)

    kinds = [k for k, _label in StepKind.choices]
    # Every 30th case, and every 10th of the focus organisation's own cases (counted among
    # its cases, so that it has plans whatever share of the cases it owns).
    focus_cases = [c for c in ctx.case_ids if ctx.case_owner[c] == ctx.focus.pk]
    focus_planned = set(focus_cases[::FOCUS_PLAN_EVERY])
    plan_cases = [
        c for i, c in enumerate(ctx.case_ids) if i % PLAN_EVERY == 0 or c in focus_planned
    ]
    plans = RepatriationPlan.objects.bulk_create(
        [
            RepatriationPlan(
                case_id=case_id,
                current_country="MY",
                situation=Situation.SHELTER,
                home_country="KH",
                embassy=embassy,
                lead_organization_id=ctx.case_owner[case_id],
                status=PlanStatus.IN_PROGRESS,
            )
            for case_id in plan_cases
        ],
        batch_size=2000,
    )
    steps = []
    completed = []
    for plan in plans:
        done = rng.randint(0, len(kinds))
        blocked = done < len(kinds) and rng.random() < 0.15
        if done == len(kinds):
            completed.append(plan.pk)
        for order, kind in enumerate(kinds, start=1):
            if order <= done:
                status, done_at = StepStatus.DONE, now - timedelta(days=len(kinds) - order)
            elif order == done + 1 and blocked:
                status, done_at = StepStatus.BLOCKED, None
            else:
                status, done_at = StepStatus.NOT_STARTED, None
            steps.append(
                RepatriationStep(
                    plan=plan,
                    order=order,
                    kind=kind,
                    status=status,
                    done_at=done_at,
                    reason="Waiting for documents" if status == StepStatus.BLOCKED else "",
                    due_date=today + timedelta(days=rng.randint(-10, 60)),
                )
            )
    RepatriationStep.objects.bulk_create(steps, batch_size=5000)
    RepatriationPlan.objects.filter(pk__in=completed).update(status=PlanStatus.COMPLETED)
    # These rows come after the seeding's VACUUM ANALYZE: without fresh statistics the planner
    # takes the step table for nearly empty (as autovacuum would not yet have run), and the
    # dashboard's per-case subqueries are planned as if for a handful of rows.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (Referral, RepatriationPlan, RepatriationStep):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"referrals": len(referrals), "repatriation plans": len(plans), "steps": len(steps)}


def measure(ctx: Any, client: Any, runs: int) -> list[Any]:
    """Seed referrals and plans, then time the dashboard and a linked case list for a
    coordinator of the focus organisation."""
    from django.test import Client

    from bench import measure as m
    from partners.roles import Role
    from reports.selectors import Filters, case_list_url

    counts = seed_referrals_and_plans(ctx)
    coordinator = next(u for u in ctx.users[ctx.focus.pk] if u.role == Role.COORDINATOR)
    coord_client = Client()
    coord_client.force_login(coordinator)
    dashboard, _sql = m.page("Dashboard (coordinator)", coord_client, "/reports/", runs=runs)
    dashboard.notes.append(
        "every figure, one or two aggregate queries each; seeded: "
        + ", ".join(f"{n:,} {name}" for name, n in counts.items())
    )
    linked_url = case_list_url(Filters.default(), repatriation="blocked")
    linked, _sql = m.page("Case list from a dashboard number", coord_client, linked_url, runs=runs)
    linked.notes.append("repatriation=blocked with the dashboard's period")
    return [dashboard, linked]
