"""The restore drill: back up a seeded database and its private files, restore into a fresh
database, compare row counts, a decrypted sample and the files."""

import subprocess
from io import BytesIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from fieldcrypt import backup, cipher

from .conftest import CANARY, seed_canaries

OTHER_BACKUP_KEY = "k1:b3RoZXIta2V5LW5vdC10aGUtcmlnaHQtb25lLTAwMDA="


def _connect(name):
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=name,
        user=db["USER"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db.get("PASSWORD") or None,
    )


def _counts(cur) -> dict[str, int]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    out = {}
    for (table,) in cur.fetchall():
        cur.execute(f'SELECT COUNT(*) FROM "{table}"')
        out[table] = cur.fetchone()[0]
    return out


@pytest.fixture
def fresh_database():
    name = settings.DATABASES["default"]["NAME"] + "_restored"
    admin = _connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_restore_drill(org, caseworker, tmp_path, fresh_database):
    case = seed_canaries(org, caseworker)
    files = tmp_path / "private"
    (files / "exports").mkdir(parents=True)
    (files / "exports" / "summary.pdf").write_bytes(b"%PDF-1.7 private " + CANARY.encode())
    archive = tmp_path / "backup.hwb"
    with override_settings(PRIVATE_FILES_ROOT=files):
        call_command("backup", "--output", str(archive))
    data = archive.read_bytes()
    assert data.startswith(b"HWB1") and CANARY.encode() not in data  # the archive is opaque
    with connection.cursor() as cur:
        before = _counts(cur)
    assert before["cases_person"] >= 1 and before["cases_identitytoken"] > 10

    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh_database}"
    )
    restored_files = tmp_path / "restored"
    call_command("restore", str(archive), "--database-url", url, "--files-dir", str(restored_files))

    with _connect(fresh_database) as conn, conn.cursor() as cur:
        assert _counts(cur) == before
        cur.execute(
            "SELECT given_name_latin, family_contacts FROM cases_person WHERE id = %s",
            [case.person_id],
        )
        given, contacts = cur.fetchone()
    assert cipher.decrypt(given, purpose="given_name_latin") == f"{CANARY}renamed"
    assert cipher.decrypt(contacts, purpose="family_contacts") == f"Mother {CANARY} in Battambang"
    assert (restored_files / "exports" / "summary.pdf").read_bytes() == (
        files / "exports" / "summary.pdf"
    ).read_bytes()


def test_backup_stream_fails_closed(tmp_path):
    plain = b"x" * (backup.CHUNK * 2 + 10)
    enc = BytesIO()
    backup.encrypt_stream(BytesIO(plain), enc)
    out = BytesIO()
    backup.decrypt_stream(BytesIO(enc.getvalue()), out)
    assert out.getvalue() == plain
    cut = enc.getvalue()[: -(backup.CHUNK // 2)]
    with pytest.raises(backup.BackupError):
        backup.decrypt_stream(BytesIO(cut), BytesIO())
    with pytest.raises(backup.BackupError):  # the last full chunk dropped: detected too
        whole = enc.getvalue()
        backup.decrypt_stream(BytesIO(whole[: len(whole) - 10 - 16 - 4]), BytesIO())
    with override_settings(BACKUP_KEY=OTHER_BACKUP_KEY), pytest.raises(backup.BackupError):
        backup.decrypt_stream(BytesIO(enc.getvalue()), BytesIO())
    with override_settings(BACKUP_KEY=""), pytest.raises(Exception, match="HOMEWARD_BACKUP_KEY"):
        backup.encrypt_stream(BytesIO(b"x"), BytesIO())


def test_restore_refuses_a_foreign_file(tmp_path):
    bogus = tmp_path / "x.hwb"
    bogus.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="Not a Homeward backup"):
        call_command("restore", str(bogus), "--database-url", "postgres://x@127.0.0.1/none")


def test_docker_compose_backup_service_parses():
    out = subprocess.run(
        ["docker-compose", "config", "--services"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "x",
            "POSTGRES_PASSWORD": "x",
            "HOMEWARD_FIELD_KEYS": "a",
            "HOMEWARD_BLIND_INDEX_KEYS": "b",
            "HOMEWARD_BACKUP_KEY": "c",
            "HOMEWARD_FILE_KEYS": "d",
            "MINIO_ROOT_PASSWORD": "e",
        },
    )
    if out.returncode != 0 and "docker" in out.stderr.lower() and "not found" in out.stderr:
        pytest.skip("docker-compose cannot run here")
    assert out.returncode == 0, out.stderr
    assert "backup" in out.stdout.split()
