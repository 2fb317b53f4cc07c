"""Files encrypted before they reach storage: AES-256-GCM under ``HOMEWARD_FILE_KEYS``.

Format: ``HWF1`` | len(kid) (1 byte) | kid | nonce (12 bytes) | ciphertext+tag. The header
and the file's storage name are authenticated as associated data, so a file copied under
another attachment's name, a changed byte or a changed key id fails to decrypt. A file of
at most ``ATTACHMENT_MAX_BYTES`` is encrypted in one piece (in memory).

Keys are read as fieldcrypt reads its own (``kid:base64,…``, the first is current,
fieldcrypt.keys.parse), from ``settings.FILE_KEYS``; a missing or malformed key raises
``KeyConfigurationError`` and nothing is written or shown: fail closed.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from fieldcrypt import keys as _keys
from fieldcrypt.keys import DecryptionError, KeyConfigurationError, KeyRing

__all__ = ["DecryptionError", "KeyConfigurationError", "decrypt", "encrypt", "file_keys"]

MAGIC = b"HWF1"
NONCE_BYTES = 12
VAR = "HOMEWARD_FILE_KEYS"


def file_keys() -> KeyRing:
    return _keys.parse(getattr(settings, "FILE_KEYS", ""), VAR)


def encrypt(plain: bytes, *, name: str) -> tuple[bytes, str]:
    """(ciphertext, key id) of ``plain``, to be stored under ``name``."""
    ring = file_keys()
    kid = ring.current_kid.encode()
    header = MAGIC + bytes([len(kid)]) + kid
    nonce = os.urandom(NONCE_BYTES)
    ct = AESGCM(ring.current).encrypt(nonce, plain, header + name.encode())
    return header + nonce + ct, ring.current_kid


def key_id_of(stored: bytes) -> str:
    if stored[:4] != MAGIC or len(stored) < 5:
        raise DecryptionError("Not an encrypted Homeward file (or an unknown version)")
    n = stored[4]
    return stored[5 : 5 + n].decode(errors="replace")


def decrypt(stored: bytes, *, name: str) -> bytes:
    kid = key_id_of(stored)
    n = len(kid.encode())
    header = stored[: 5 + n]
    nonce = stored[5 + n : 5 + n + NONCE_BYTES]
    if len(nonce) != NONCE_BYTES:
        raise DecryptionError("An encrypted file is cut")
    key = file_keys().keys.get(kid)
    if key is None:
        raise DecryptionError(f"A file is encrypted with key {kid!r}, which {VAR} does not hold")
    try:
        return AESGCM(key).decrypt(nonce, stored[5 + n + NONCE_BYTES :], header + name.encode())
    except InvalidTag as exc:
        raise DecryptionError(
            f"A file does not decrypt with key {kid!r}: wrong key, or the file was changed"
        ) from exc


def check_file_keys(file_spec: str, *others: str) -> None:
    """Production start-up: the file keys present, well formed, sharing no key with the
    field, blind-index and backup keys. Raises KeyConfigurationError."""
    ring = _keys.parse(file_spec, VAR)
    for spec in others:
        if set(ring.keys.values()) & set(_keys.parse(spec, "other").keys.values()):
            raise KeyConfigurationError(f"{VAR} must not share a key with the other key sets")


def local_file_keys(path: Path) -> str:
    """``make run``: the file keys kept in ``path`` (created on the first run, mode 0600,
    under var/ which git ignores). Losing the file makes local attachments unreadable."""
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    value = _keys.new_key_spec("localf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value
