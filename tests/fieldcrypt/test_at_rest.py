"""Identity at rest: the database and its dump hold no plain identity; keys fail closed."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from cases.models import CaseNote, Consent, DistressCall, Person
from fieldcrypt import cipher
from fieldcrypt.keys import DecryptionError, KeyConfigurationError, local_keys, parse
from repatriation.models import RepatriationStep

from .conftest import CANARY, CANARY_PHONE

pytestmark = pytest.mark.django_db

TABLES = [
    "cases_person",
    "cases_historicalperson",
    "cases_case",
    "cases_historicalcase",
    "cases_casenote",
    "cases_consent",
    "cases_historicalconsent",
    "cases_distresscall",
    "repatriation_repatriationplan",
    "repatriation_repatriationstep",
    "repatriation_historicalrepatriationstep",
]
OTHER_KEY = "t1:b3RoZXIta2V5LW5vdC10aGUtcmlnaHQtb25lLTAwMDA="


def _table_text(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT t::text FROM {table} t")  # every column of every row as text
        return "\n".join(r[0] for r in cur.fetchall())


def test_raw_sql_shows_no_plain_identity(canary_case):
    for table in TABLES:
        text = _table_text(table)
        assert text, f"{table} has no rows: the test would prove nothing"
        assert CANARY not in text, table
        assert CANARY_PHONE not in text and CANARY_PHONE[4:] not in text, table
    assert "hwe:" in _table_text("cases_person")
    # …and the application reads the plain values back.
    person = Person.objects.get(pk=canary_case.person_id)
    assert person.given_name_latin == f"{CANARY}renamed"
    assert str(person.phone) == CANARY_PHONE
    assert CaseNote.objects.get(case=canary_case).body == f"Note about {CANARY}"
    assert Consent.objects.get(case=canary_case).note == f"said {CANARY}"
    assert DistressCall.objects.get(cases=canary_case).caller_name == f"{CANARY} caller"
    assert RepatriationStep.objects.get(plan__case=canary_case).note == f"Step note {CANARY}"
    old = person.history.order_by("history_date").first()
    assert old.given_name_latin == f"{CANARY}given"  # history rows decrypt too


@pytest.mark.django_db(transaction=True)
def test_canary_never_appears_in_pg_dump(org, caseworker):
    from .conftest import seed_canaries

    seed_canaries(org, caseworker)
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    out = subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            "--data-only",
            db["NAME"],
        ],
        capture_output=True,
        check=True,
        env=env,
    ).stdout.decode()
    assert "hwe:" in out
    assert CANARY not in out
    assert CANARY_PHONE not in out


def test_wrong_key_fails_closed(canary_case):
    with override_settings(FIELD_KEYS=OTHER_KEY), pytest.raises(DecryptionError, match="t1"):
        Person.objects.get(pk=canary_case.person_id)


def test_unknown_key_id_fails_closed(canary_case):
    only_old = settings.FIELD_KEYS.split(",")[1]  # t0: the values are under t1
    with override_settings(FIELD_KEYS=only_old), pytest.raises(DecryptionError, match="'t1'"):
        CaseNote.objects.get(case=canary_case)


def test_missing_key_fails_closed_on_read_and_write(canary_case):
    with override_settings(FIELD_KEYS=""):
        with pytest.raises(KeyConfigurationError, match="HOMEWARD_FIELD_KEYS is not set"):
            Person.objects.get(pk=canary_case.person_id)
        person = Person(given_name_latin="New", sex="male")
        with pytest.raises(KeyConfigurationError), transaction.atomic():
            person.save()
    assert Person.objects.count() == 1  # nothing was written


def test_tampered_or_moved_ciphertext_fails_closed(canary_case):
    with connection.cursor() as cur:
        cur.execute("SELECT given_name FROM cases_person WHERE id = %s", [canary_case.person_id])
        stored = cur.fetchone()[0]
    assert cipher.decrypt(stored, purpose="given_name") == f"{CANARY}ណា"
    with pytest.raises(DecryptionError):  # another column's value does not decrypt here
        cipher.decrypt(stored, purpose="family_name")
    flipped = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with pytest.raises(DecryptionError):
        cipher.decrypt(flipped, purpose="given_name")
    with pytest.raises(DecryptionError, match="not ciphertext"):
        cipher.decrypt("plain text", purpose="given_name")


def test_encrypted_fields_refuse_lookups_they_cannot_answer(canary_case):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError, match="encrypted"):
        Person.objects.filter(given_name_latin="x").count()
    with pytest.raises(FieldError):
        Person.objects.filter(given_name_latin__icontains="x").count()
    assert Person.objects.filter(document_number="").count() == 0
    assert Person.objects.exclude(phone="").count() == 1


def test_key_configuration_errors():
    with pytest.raises(KeyConfigurationError, match="32 bytes"):
        parse("a:c2hvcnQ=", "X")
    with pytest.raises(KeyConfigurationError, match="kid:base64key"):
        parse("no-colon", "X")
    with pytest.raises(KeyConfigurationError, match="twice"):
        k = OTHER_KEY.split(":")[1]
        parse(f"a:{k},a:{k}", "X")
    ring = parse(settings.FIELD_KEYS, "X")
    assert ring.current_kid == "t1" and set(ring.keys) == {"t1", "t0"}


def _production(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    base.update(
        SECRET_KEY="x" * 50,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL="sqlite:///:memory:",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        env=base,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_without_keys():
    out = _production()
    assert out.returncode != 0
    assert b"HOMEWARD_FIELD_KEYS is not set" in out.stderr
    k = OTHER_KEY.split(":")[1]
    same = _production(
        HOMEWARD_FIELD_KEYS=f"a:{k}",
        HOMEWARD_BLIND_INDEX_KEYS=f"b:{k}",
        HOMEWARD_BACKUP_KEY=f"c:{k}",
    )
    assert same.returncode != 0 and b"must not share a key" in same.stderr
    ok = _production(
        HOMEWARD_FIELD_KEYS=settings.FIELD_KEYS,
        HOMEWARD_BLIND_INDEX_KEYS=settings.BLIND_INDEX_KEYS,
        HOMEWARD_BACKUP_KEY=settings.BACKUP_KEY,
        HOMEWARD_FILE_KEYS=settings.FILE_KEYS,
    )
    assert ok.returncode == 0, ok.stderr


def test_local_keys_are_generated_once_outside_git(tmp_path):
    path = tmp_path / "var" / "keys.env"
    first = local_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_keys(path) == first
    for spec in first.values():
        assert parse(spec, "X").current  # well-formed
    assert len(set(first.values())) == 3
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/keys.env"], cwd=settings.BASE_DIR
    ).returncode
    assert ignored == 0
