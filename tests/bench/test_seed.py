"""The benchmark's seeding, at small scale, so the benchmark code itself is tested."""

import pytest

from bench.seed import seed
from cases import access
from cases.models import Case, CaseGroupObjectPermission, TimelineEntry
from partners.roles import ALL_CASE_PERMS, Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_small_scale_is_consistent():
    ctx = seed(cases=200, orgs=6)
    assert Case.objects.count() == 200
    assert ctx.counts["cases"] == 200
    # Every case's owner holds every permission, through the direct FK table.
    owner_grants = CaseGroupObjectPermission.objects.filter(
        group__organization__owned_cases__id=models_f("content_object_id")
    )
    assert owner_grants.count() == 200 * len(ALL_CASE_PERMS)
    # The focus organisation's caseworker sees its own cases plus the shared ones, through
    # the access module, and references are unique.
    worker = next(u for u in ctx.users[ctx.focus.pk] if u.role == Role.CASEWORKER)
    visible = access.cases_visible_to(worker)
    owned = Case.objects.filter(owner_organization=ctx.focus).count()
    assert visible.count() >= owned > 0
    assert Case.objects.values("reference").distinct().count() == 200
    assert TimelineEntry.objects.filter(kind="case_created").count() == 200
    # The seeded rows work with the real services: a new case gets the next reference.
    from tests.factories import make_case

    new = make_case(ctx.focus)
    assert new.reference not in set(
        Case.objects.exclude(pk=new.pk).values_list("reference", flat=True)
    )


def models_f(name):
    from django.db.models import F

    return F(name)
