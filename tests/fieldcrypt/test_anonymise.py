"""Retention removes the ciphertext and the blind index, not only the plain text."""

import pytest
from django.db import connection

from cases import identity_index
from cases.models import DistressCall, IdentityToken
from cases.retention import case_anonymise

from .conftest import CANARY

pytestmark = pytest.mark.django_db


def _rows(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_anonymisation_removes_ciphertext_and_blind_index(canary_case):
    call = DistressCall.objects.get(cases=canary_case)
    pid = canary_case.person_id
    assert IdentityToken.objects.filter(person_id=pid).exists()
    assert IdentityToken.objects.filter(call_id=call.pk).exists()

    case_anonymise(case_id=canary_case.pk, why="retention")

    assert not IdentityToken.objects.filter(person_id=pid).exists()
    assert not IdentityToken.objects.filter(call_id=call.pk).exists()
    assert not identity_index.person_ids_matching(CANARY).exists()
    tables = {
        "cases_person": ("id", pid),
        "cases_historicalperson": ("id", pid),
        "cases_case": ("id", canary_case.pk),
        "cases_historicalcase": ("id", canary_case.pk),
        "cases_consent": ("case_id", canary_case.pk),
        "cases_historicalconsent": ("case_id", canary_case.pk),
        "cases_casenote": ("case_id", canary_case.pk),
        "cases_distresscall": ("id", call.pk),
        "repatriation_repatriationplan": ("case_id", canary_case.pk),
    }
    for table, (column, value) in tables.items():
        for (text,) in _rows(f"SELECT t::text FROM {table} t WHERE {column} = %s", [value]):
            assert "hwe:" not in text, table  # no ciphertext left, not merely no plain text
    for (text,) in _rows(
        "SELECT s::text FROM repatriation_repatriationstep s JOIN repatriation_repatriationplan p"
        " ON p.id = s.plan_id WHERE p.case_id = %s",
        [canary_case.pk],
    ):
        assert "hwe:" not in text
