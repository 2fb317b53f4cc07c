"""The dashboard's benchmark (bench/dashboard.py) at small scale: its seeding of referrals and
plans, and its measurement of the dashboard and a linked case list."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from bench import dashboard, run
from bench.seed import seed
from referrals.models import Referral, ReferralStatus
from repatriation.models import RepatriationPlan, RepatriationStep
from reports import selectors
from reports.selectors import Filters

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_measurement_at_small_scale():
    assert dashboard.measure in run.EXTRA_MEASUREMENTS
    ctx = seed(cases=200, orgs=6)
    results = dashboard.measure(ctx, Client(), runs=2)
    assert [r.name for r in results] == [
        "Dashboard (coordinator)",
        "Case list from a dashboard number",
    ]
    for r in results:
        assert r.median_ms > 0 and r.p95_ms >= r.median_ms
        assert r.queries and r.floor_median_ms is not None
    # Seeded: every 20th case referred, every 30th (10th of the focus's) with a 14-step plan.
    assert Referral.objects.filter(status=ReferralStatus.PENDING).count() >= 200 // 20
    focus_cases = [c for c in ctx.case_ids if ctx.case_owner[c] == ctx.focus.pk]
    assert RepatriationPlan.objects.filter(case__owner_organization=ctx.focus).exists()
    assert RepatriationPlan.objects.count() >= len(range(0, 200, 30))
    assert focus_cases
    assert RepatriationStep.objects.count() == 14 * RepatriationPlan.objects.count()
    assert "referrals" in results[0].notes[0]
    # The dashboard the benchmark timed counts the seeded rows (the focus organisation's).
    from partners.roles import Role

    coordinator = next(u for u in ctx.users[ctx.focus.pk] if u.role == Role.COORDINATOR)
    # Seeded cases are registered over several years: count them all.
    every = Filters(date(2000, 1, 1), timezone.localdate())
    shown = {s.name: s for s in selectors.dashboard(coordinator, every)}
    assert shown["repatriation_by_step"].figure.total > 0
    assert shown["referrals_waiting"].figure.total > 0
