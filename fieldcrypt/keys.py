"""Keys from the environment: ``HOMEWARD_FIELD_KEYS`` and ``HOMEWARD_BLIND_INDEX_KEYS``.

Each is a comma-separated list of ``kid:base64key`` (32-byte keys, standard or URL-safe
base64); the first is the current key (new values are written with it), the others are old
keys still accepted for reading until ``manage.py rotate_keys`` has moved every value off
them. Key ids are 1–16 characters of ``[A-Za-z0-9_-]``.

Settings hold the raw strings (``settings.FIELD_KEYS`` / ``settings.BLIND_INDEX_KEYS``);
this module parses them once per value. A missing or malformed key raises
``KeyConfigurationError``: nothing is ever stored or shown in plain text for want of a key.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

KEY_BYTES = 32
KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeyConfigurationError(RuntimeError):
    """The encryption or blind-index keys are missing or malformed."""


class DecryptionError(RuntimeError):
    """A stored value cannot be decrypted: unknown key id, wrong key or tampered data."""


@dataclass(frozen=True)
class KeyRing:
    current_kid: str
    keys: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.keys[self.current_kid]


def _decode(b64: str, *, what: str, kid: str) -> bytes:
    padded = b64.strip() + "=" * (-len(b64.strip()) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError) as exc:
        raise KeyConfigurationError(f"{what}: key {kid!r} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise KeyConfigurationError(f"{what}: key {kid!r} must be {KEY_BYTES} bytes")
    return raw


@lru_cache(maxsize=8)
def parse(spec: str, what: str) -> KeyRing:
    """``"kid1:base64,kid0:base64"`` -> KeyRing (the first is current)."""
    entries = [e.strip() for e in (spec or "").split(",") if e.strip()]
    if not entries:
        raise KeyConfigurationError(
            f"{what} is not set: identity fields cannot be read or written without a key "
            "(see docs/security.md, 'Data at rest')"
        )
    keys: dict[str, bytes] = {}
    for entry in entries:
        kid, sep, b64 = entry.partition(":")
        kid = kid.strip()
        if not sep or not KID_RE.match(kid):
            raise KeyConfigurationError(f"{what}: each key is 'kid:base64key' (got {kid!r})")
        if kid in keys:
            raise KeyConfigurationError(f"{what}: key id {kid!r} is given twice")
        keys[kid] = _decode(b64, what=what, kid=kid)
    return KeyRing(current_kid=next(iter(keys)), keys=keys)


def field_keys() -> KeyRing:
    return parse(getattr(settings, "FIELD_KEYS", ""), "HOMEWARD_FIELD_KEYS")


def blind_keys() -> KeyRing:
    return parse(getattr(settings, "BLIND_INDEX_KEYS", ""), "HOMEWARD_BLIND_INDEX_KEYS")


def backup_keys() -> KeyRing:
    return parse(getattr(settings, "BACKUP_KEY", ""), "HOMEWARD_BACKUP_KEY")


def check_keys(field_spec: str, blind_spec: str, backup_spec: str) -> None:
    """Production start-up: all three key sets present, well formed and distinct (one key
    never serves two purposes). Raises KeyConfigurationError."""
    rings = [
        parse(field_spec, "HOMEWARD_FIELD_KEYS"),
        parse(blind_spec, "HOMEWARD_BLIND_INDEX_KEYS"),
        parse(backup_spec, "HOMEWARD_BACKUP_KEY"),
    ]
    seen: set[bytes] = set()
    for ring in rings:
        values = set(ring.keys.values())
        if values & seen:
            raise KeyConfigurationError(
                "HOMEWARD_FIELD_KEYS, HOMEWARD_BLIND_INDEX_KEYS and HOMEWARD_BACKUP_KEY "
                "must not share a key"
            )
        seen |= values


LOCAL_VARS = ("HOMEWARD_FIELD_KEYS", "HOMEWARD_BLIND_INDEX_KEYS", "HOMEWARD_BACKUP_KEY")


def local_keys(path: Path) -> dict[str, str]:
    """``make run``: the keys in ``path`` (``NAME=value`` lines), created with fresh keys on
    the first run (mode 0600, outside git: var/ is ignored)."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip() in LOCAL_VARS:
                values[name.strip()] = value.strip()
    missing = [name for name in LOCAL_VARS if not values.get(name)]
    if missing:
        for name in missing:
            values[name] = new_key_spec("local" + name.split("_")[1][0].lower())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{n}={values[n]}\n" for n in LOCAL_VARS))
        path.chmod(0o600)
    return values


def new_key_spec(kid: str) -> str:
    """A fresh ``kid:base64`` entry (``make run``'s first run, operators' rotation)."""
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"
