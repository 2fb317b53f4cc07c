"""Which organisations the referral form suggests for a service: later apps register it.

Referrals does not know the service directory (reintegration): ``register(fn)`` in its
AppConfig.ready(), where ``fn(case, service)`` returns a list of suggestions (objects with
``organization_id``, ``name``, ``service``, ``beds_free``, ``capacity_updated_on``,
``languages``, ``how_to_refer``), best first. The referral form shows them for the service
chosen; none registered, none shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PROVIDERS: list[Callable[[Any, str], list[Any]]] = []


def register(fn: Callable[[Any, str], list[Any]]) -> None:
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)


def for_case(case: Any, service: str) -> list[Any]:
    found: list[Any] = []
    for fn in _PROVIDERS:
        found.extend(fn(case, service))
    return found
