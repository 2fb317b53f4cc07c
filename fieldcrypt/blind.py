"""Blind indexes: keyed HMAC-SHA256 of normalised values, cut to a signed 64-bit integer.

The database can match a token without learning the value; without the blind-index key
(``HOMEWARD_BLIND_INDEX_KEYS``, never one of the field keys) a token cannot be computed from
a guessed name. Tokens are written under the current key and looked up under every key of
the ring, so search keeps working while ``rotate_keys`` recomputes the indexes.
What is normalised, and how, belongs to the caller (cases.identity_index).
"""

from __future__ import annotations

import hashlib
import hmac

from . import keys as _keys


def _digest(key: bytes, kind: str, value: str) -> int:
    mac = hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).digest()
    return int.from_bytes(mac[:8], "big", signed=True)


def token(kind: str, value: str) -> int:
    """The token stored for ``value`` (under the current key)."""
    return _digest(_keys.blind_keys().current, kind, value)


def current_kid() -> str:
    return _keys.blind_keys().current_kid


def lookup_tokens(kind: str, value: str) -> list[int]:
    """The tokens ``value`` may be stored under (one per key of the ring, current first)."""
    return [_digest(k, kind, value) for k in _keys.blind_keys().keys.values()]
