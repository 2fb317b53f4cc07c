"""One value in, one self-describing ciphertext out (AES-256-GCM).

Stored form: ``hwe:`` + URL-safe base64 of ``version (1 byte) | len(kid) (1 byte) | kid |
nonce (12 bytes) | ciphertext+tag``. The header (version and key id) and the column's
``purpose`` (``app_label.model.field``-like string given by the field) are authenticated as
associated data, so a value copied into another column, or a header changed, fails to decrypt.
The empty string is stored as itself (an empty field shows that it is empty, nothing more).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import keys as _keys

PREFIX = "hwe:"
VERSION = 1
NONCE_BYTES = 12


def is_ciphertext(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)  # type: ignore[union-attr]


def encrypt(plaintext: str, *, purpose: str) -> str:
    if plaintext == "":
        return ""
    ring = _keys.field_keys()
    kid = ring.current_kid.encode()
    header = bytes([VERSION, len(kid)]) + kid
    nonce = os.urandom(NONCE_BYTES)
    ct = AESGCM(ring.current).encrypt(nonce, plaintext.encode(), header + purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(header + nonce + ct).decode()


def key_id(stored: str) -> str:
    """The key id a stored value was written with (DecryptionError if it is no ciphertext)."""
    raw = _unpack(stored)
    return raw[2 : 2 + raw[1]].decode()


def _unpack(stored: str) -> bytes:
    if not is_ciphertext(stored):
        raise _keys.DecryptionError(
            "A value of an encrypted field is not ciphertext (plain text in the database?)"
        )
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
    except (binascii.Error, ValueError) as exc:
        raise _keys.DecryptionError("A stored encrypted value is damaged") from exc
    if len(raw) < 2 or raw[0] != VERSION or len(raw) < 2 + raw[1] + NONCE_BYTES + 16:
        raise _keys.DecryptionError("A stored encrypted value has an unknown version or is cut")
    return raw


def decrypt(stored: str, *, purpose: str) -> str:
    if stored == "":
        return ""
    raw = _unpack(stored)
    n = raw[1]
    header, kid = raw[: 2 + n], raw[2 : 2 + n].decode()
    nonce = raw[2 + n : 2 + n + NONCE_BYTES]
    ring = _keys.field_keys()
    key = ring.keys.get(kid)
    if key is None:
        raise _keys.DecryptionError(
            f"A value is encrypted with key {kid!r}, which HOMEWARD_FIELD_KEYS does not hold"
        )
    try:
        plain = AESGCM(key).decrypt(nonce, raw[2 + n + NONCE_BYTES :], header + purpose.encode())
    except InvalidTag as exc:
        raise _keys.DecryptionError(
            f"A value does not decrypt with key {kid!r}: wrong key, or the data was changed"
        ) from exc
    return plain.decode()
