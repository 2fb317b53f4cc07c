"""The file keys: production refuses to start without them, or sharing one with the other
key sets; make run keeps its own in var/ (git-ignored)."""

import os
import subprocess
import sys

from django.conf import settings

from documents.crypto import local_file_keys
from fieldcrypt.keys import parse


def _production(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    base.update(
        SECRET_KEY="x" * 50,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL="sqlite:///:memory:",
        HOMEWARD_FIELD_KEYS=settings.FIELD_KEYS,
        HOMEWARD_BLIND_INDEX_KEYS=settings.BLIND_INDEX_KEYS,
        HOMEWARD_BACKUP_KEY=settings.BACKUP_KEY,
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        env=base,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_refuses_to_start_without_file_keys():
    missing = _production()
    assert missing.returncode != 0 and b"HOMEWARD_FILE_KEYS is not set" in missing.stderr
    shared = settings.FIELD_KEYS.split(",")[0].split(":")[1]
    same = _production(HOMEWARD_FILE_KEYS=f"f9:{shared}")
    assert same.returncode != 0 and b"must not share a key" in same.stderr
    ok = _production(HOMEWARD_FILE_KEYS=settings.FILE_KEYS)
    assert ok.returncode == 0, ok.stderr


def test_local_file_keys_are_made_once(tmp_path):
    path = tmp_path / "var" / "file-keys.env"
    first = local_file_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_file_keys(path) == first
    assert parse(first, "X").current_kid == "localf"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/file-keys.env"], cwd=settings.BASE_DIR, check=False
    ).returncode
    assert ignored == 0
