"""The data migration encrypts rows written before it (history included) and indexes them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import identity_index
from cases.models import Case, DistressCall, Person

BEFORE = [("cases", "0007_date_ranges"), ("repatriation", "0003_date_ranges")]


def _latest(executor):
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_plain_rows_are_encrypted_and_indexed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Org = old.get_model("partners", "Organization")
    OldPerson = old.get_model("cases", "Person")
    OldHistorical = old.get_model("cases", "HistoricalPerson")
    OldCall = old.get_model("cases", "DistressCall")
    Group = old.get_model("auth", "Group")
    org = Org.objects.create(
        name="Old NGO", code="old", country="KH", group=Group.objects.create(name="old")
    )
    p = OldPerson.objects.create(
        given_name="ស្រីពៅ",
        given_name_latin="Sreypov",
        family_name_latin="Chea",
        sex="female",
        phone="+85512999888",
        document_number="N0099",
        family_contacts="Aunt in Kampot",
    )
    OldHistorical.objects.create(
        id=p.pk,
        given_name_latin="Sreypov",
        family_name_latin="Chea",
        sex="female",
        phone="+85512999888",
        history_date=timezone.now(),
        history_type="+",
    )
    call = OldCall.objects.create(
        organization=org,
        channel="phone",
        caller_relation="self",
        caller_phone="+85577000111",
        caller_name="Sreypov",
        summary="Old summary",
        urgency="urgent",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(_latest(executor))

    with connection.cursor() as cur:
        cur.execute("SELECT t::text FROM cases_person t")
        raw = cur.fetchone()[0]
        cur.execute("SELECT t::text FROM cases_historicalperson t")
        raw_history = cur.fetchone()[0]
        cur.execute("SELECT t::text FROM cases_distresscall t")
        raw_call = cur.fetchone()[0]
    for text in (raw, raw_history, raw_call):
        assert "Sreypov" not in text and "85512999888" not in text and "hwe:" in text
    assert "Old summary" not in raw_call and "85577000111" not in raw_call

    person = Person.objects.get(pk=p.pk)
    assert (person.given_name, person.given_name_latin, str(person.phone)) == (
        "ស្រីពៅ",
        "Sreypov",
        "+85512999888",
    )
    assert person.family_contacts == "Aunt in Kampot"
    assert person.history.get().given_name_latin == "Sreypov"
    assert DistressCall.objects.get(pk=call.pk).summary == "Old summary"
    # The blind index was built for the rows that existed.
    assert list(identity_index.person_ids_matching("sreyp")) == [{"person_id": p.pk}]
    assert list(identity_index._phone_call_ids("077 000 111")) == [{"call_id": call.pk}]
    assert Case.objects.count() == 0
