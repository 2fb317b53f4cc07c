"""manage.py rotate_keys: every value moves to the current key, resumably; then the old keys
can be dropped. The blind index is recomputed under the new blind-index key."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from cases import identity_index
from cases.models import CaseNote, IdentityToken, Person
from fieldcrypt import cipher, rewrite
from repatriation.models import RepatriationStep

from .conftest import CANARY, seed_canaries

pytestmark = pytest.mark.django_db

T1 = "t1:dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE="
T0 = "t0:dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA="
B1 = "b1:dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0wMDAwMDE="
B2 = "b2:bmV3LWJsaW5kLWluZGV4LWtleS1mb3Itcm90YXRpb24="


def _key_ids() -> dict[str, int]:
    """How many stored values are under each key id, over every encrypted column."""
    counts: dict[str, int] = {}
    for col in rewrite.columns(list(apps.get_models())):
        with connection.cursor() as cur:
            cur.execute(f'SELECT "{col.column}" FROM "{col.table}"')
            for (stored,) in cur.fetchall():
                if stored:
                    kid = cipher.key_id(stored)
                    counts[kid] = counts.get(kid, 0) + 1
    return counts


def _run(*args):
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_reencrypts_every_row_resumably_then_old_keys_can_go(org, caseworker):
    with override_settings(FIELD_KEYS=T0, BLIND_INDEX_KEYS=B1):
        cases = [seed_canaries(org, caseworker) for _ in range(3)]
    before = _key_ids()
    assert set(before) == {"t0"} and before["t0"] > 40

    with override_settings(FIELD_KEYS=f"{T1},{T0}", BLIND_INDEX_KEYS=f"{B2},{B1}"):
        # Searching still works in the middle: old tokens are looked up too.
        assert Person.objects.filter(pk__in=identity_index.person_ids_matching(CANARY)).count() == 3
        with pytest.raises(CommandError, match="run again"):
            _run("--batch", "1", "--max-batches", "5")  # interrupted
        partial = _key_ids()
        assert partial.get("t1", 0) == 5 and partial["t0"] == before["t0"] - 5
        assert "values or persons still under old keys" in _run("--check")
        out = _run("--batch", "2")  # resumed: skips what is done
        assert "100%" in out and "re-encrypted" in out
        assert _key_ids() == {"t1": before["t0"]}
        assert set(IdentityToken.objects.values_list("kid", flat=True)) == {"b2"}
        assert "the old keys may be dropped" in _run("--check")

    with override_settings(FIELD_KEYS=T1, BLIND_INDEX_KEYS=B2):  # old keys dropped
        for case in cases:
            person = Person.objects.get(pk=case.person_id)
            assert person.family_contacts == f"Mother {CANARY} in Battambang"
            assert person.history.count() == 2
            assert [h.given_name_latin for h in person.history.order_by("history_date")] == [
                f"{CANARY}given",
                f"{CANARY}renamed",
            ]
            assert CaseNote.objects.get(case=case).body == f"Note about {CANARY}"
            assert RepatriationStep.objects.get(plan__case=case).note == f"Step note {CANARY}"
        found = set(
            identity_index.person_ids_matching(f"{CANARY}renamed").values_list(
                "person_id", flat=True
            )
        )
        assert found == {c.person_id for c in cases}
