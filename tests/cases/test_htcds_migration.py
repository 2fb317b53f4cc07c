"""The data migration cases.0006_htcds_map_existing on seeded data: backwards to the old
vocabularies, forwards again, with nothing lost."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Case
from partners.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("cases", "0005_htcds_vocabularies")
AFTER = ("cases", "0006_htcds_map_existing")
OLD_INDUSTRIES = {
    "fishing",
    "agriculture",
    "construction",
    "manufacturing",
    "domestic_work",
    "hospitality",
    "entertainment",
    "begging",
    "online_scam",
    "other",
}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def latest():
    executor = MigrationExecutor(connection)
    for leaf in executor.loader.graph.leaf_nodes():
        executor = MigrationExecutor(connection)
        executor.migrate([leaf])


def test_seeded_data_maps_both_ways_without_loss(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    seeded = dict(Case.objects.values_list("pk", "industry"))
    assert seeded and all(seeded.values())
    try:
        old_apps = migrate(BEFORE)
        OldCase = old_apps.get_model("cases", "Case")
        OldOrg = old_apps.get_model("partners", "Organization")
        # Backwards: the old vocabulary only, every case still has an industry.
        old = dict(OldCase.objects.values_list("pk", "industry"))
        assert set(old) == set(seeded)
        assert set(old.values()) <= OLD_INDUSTRIES
        assert all(old.values())
        # Old free text of the deciding organisation: one names an organisation (in other
        # case and spacing), one names none.
        org = OldOrg.objects.order_by("pk").first()
        first, second, third = list(OldCase.objects.order_by("pk")[:3])
        OldCase.objects.filter(pk=first.pk).update(
            trafficking_status_decided_by=f"  {org.name.upper()} "
        )
        OldCase.objects.filter(pk=second.pk).update(
            trafficking_status_decided_by="Provincial anti-trafficking police, Koh Kong"
        )
        OldCase.objects.filter(pk=third.pk).update(industry="fishing")

        migrate(AFTER)
    finally:
        latest()

    after = dict(Case.objects.values_list("pk", "industry"))
    assert set(after) == set(seeded)
    for pk, value in after.items():
        # Every case keeps an industry in the new vocabulary; values that existed before stay;
        # a finer value seeded after the change (marine fishing) comes back as its old,
        # broader meaning (fishing and aquaculture), never as something it was not.
        assert value in {v for v, _label in Case._meta.get_field("industry").choices}
        if seeded[pk] == "03.11":
            assert value == "03"
        else:
            assert value == seeded[pk]
    matched = Case.objects.get(pk=first.pk)
    org = Organization.objects.get(pk=org.pk)
    assert matched.trafficking_status_decided_by_org == org
    assert matched.trafficking_status_decider_kind  # from the organisation's kind
    assert matched.trafficking_status_decided_by == ""
    kept = Case.objects.get(pk=second.pk)
    assert kept.trafficking_status_decided_by_org is None
    assert kept.trafficking_status_decided_by == "Provincial anti-trafficking police, Koh Kong"
    assert Case.objects.get(pk=third.pk).industry == "03"
