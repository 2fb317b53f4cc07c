"""What the user should do next after a referral (issue 16 item 13): later apps register it.

After "Accept referral" the referral page shows the next step prominently (e.g. repatriation:
"Create a repatriation plan", with the plan form preselected from the referral). Referrals
does not know those apps: ``register(fn)`` in their AppConfig.ready(), where
``fn(user, referral)`` returns a ``NextStep`` or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NextStep:
    title: Any  # lazy text: "Next step: create a repatriation plan"
    text: Any
    label: Any  # the button
    url: str


_PROVIDERS: list[Callable[[Any, Any], NextStep | None]] = []


def register(fn: Callable[[Any, Any], NextStep | None]) -> None:
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)


def for_referral(user, referral) -> list[NextStep]:
    steps = []
    for fn in _PROVIDERS:
        step = fn(user, referral)
        if step is not None:
            steps.append(step)
    return steps
