"""Encrypted backups: ``pg_dump`` (custom format) and the private files in one tar archive,
encrypted with the backup key (``HOMEWARD_BACKUP_KEY``) in 1 MiB AES-256-GCM chunks.

File format: ``HWB1`` | len(kid) (1 byte) | kid | nonce prefix (8 bytes), then chunks of
``length (4 bytes, big-endian) | ciphertext+tag``. Chunk *i* uses nonce ``prefix | i`` and
authenticates the header, *i* and whether it is the last chunk, so a reordered, cut or
extended file fails to decrypt. Identity inside the dump is ciphertext already (fieldcrypt):
the backup key protects everything else (case facts, users, the audit log) and the files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from . import keys

MAGIC = b"HWB1"
CHUNK = 1 << 20


class BackupError(RuntimeError):
    pass


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(src: BinaryIO, dst: BinaryIO) -> None:
    ring = keys.backup_keys()
    kid = ring.current_kid.encode()
    prefix = os.urandom(8)
    header = MAGIC + bytes([len(kid)]) + kid + prefix
    dst.write(header)
    aes = AESGCM(ring.current)
    index, chunk = 0, src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = not following
        ct = aes.encrypt(prefix + index.to_bytes(4, "big"), chunk, _aad(header, index, last))
        dst.write(len(ct).to_bytes(4, "big") + ct)
        if last:
            return
        index, chunk = index + 1, following


def decrypt_stream(src: BinaryIO, dst: BinaryIO) -> None:
    if src.read(4) != MAGIC:
        raise BackupError("Not a Homeward backup (or an unknown version)")
    n = src.read(1)[0]
    kid = src.read(n)
    prefix = src.read(8)
    header = MAGIC + bytes([n]) + kid + prefix
    key = keys.backup_keys().keys.get(kid.decode())
    if key is None:
        raise BackupError(
            f"The backup is encrypted with key {kid.decode()!r}, which "
            "HOMEWARD_BACKUP_KEY does not hold"
        )
    aes = AESGCM(key)
    index = 0
    length = src.read(4)
    while length:
        ct = src.read(int.from_bytes(length, "big"))
        following = src.read(4)
        try:
            plain = aes.decrypt(
                prefix + index.to_bytes(4, "big"), ct, _aad(header, index, not following)
            )
        except InvalidTag as exc:
            raise BackupError("The backup does not decrypt: wrong key, damaged or cut") from exc
        dst.write(plain)
        index, length = index + 1, following
    if index == 0:
        raise BackupError("The backup is empty or cut")


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def _pg_args(db: Any) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", str(db.get("USER") or "postgres")]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def create(target: Path, *, database: Any = None, files_dir: Path | None = None) -> Path:
    """Write an encrypted backup of the database and the private files to ``target``."""
    db = database or settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise BackupError("Backups need PostgreSQL (pg_dump); this database is not.")
    files_dir = Path(files_dir or settings.PRIVATE_FILES_ROOT)
    keys.backup_keys()  # fail before any work without a key
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database.dump"
        args, env = _pg_args(db)
        subprocess.run(  # noqa: S603 - pg_dump/pg_restore from PATH (postgresql-client)
            [
                _program("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "-f",
                str(dump),
                db["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        archive = Path(tmp) / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(dump, arcname="database.dump")
            if files_dir.is_dir():
                tar.add(files_dir, arcname="files")
        partial = target.with_suffix(target.suffix + ".partial")
        with archive.open("rb") as src, partial.open("wb") as dst:
            encrypt_stream(src, dst)
        partial.chmod(0o600)
        partial.replace(target)
    return target


def restore(source: Path, *, database: Any, files_dir: Path) -> None:
    """Restore ``source`` into ``database`` (which must exist, empty or not: objects are
    replaced) and its files into ``files_dir``."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "backup.tar"
        with source.open("rb") as src, archive.open("wb") as dst:
            decrypt_stream(src, dst)
        out = Path(tmp) / "out"
        with tarfile.open(archive) as tar:
            tar.extractall(out, filter="data")
        args, env = _pg_args(database)
        subprocess.run(  # noqa: S603 - pg_dump/pg_restore from PATH (postgresql-client)
            [
                _program("pg_restore"),
                *args,
                "--no-owner",
                "--clean",
                "--if-exists",
                "--exit-on-error",
                "-d",
                database["NAME"],
                str(out / "database.dump"),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        if (out / "files").is_dir():
            files_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(out / "files", files_dir, dirs_exist_ok=True)
