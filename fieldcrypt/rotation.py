"""Other encrypted data that ``manage.py rotate_keys`` moves to its current key, registered by
the apps that own it (documents: the attachments' files), so that fieldcrypt imports none.

``register(name, rotate)``: ``rotate(check: bool) -> int`` moves what is under old keys (or,
with ``check``, only counts it) and returns how many items.
"""

from __future__ import annotations

from collections.abc import Callable

Rotate = Callable[[bool], int]
_ROTATIONS: dict[str, Rotate] = {}


def register(name: str, rotate: Rotate) -> None:
    _ROTATIONS[name] = rotate


def registered() -> dict[str, Rotate]:
    return dict(_ROTATIONS)
