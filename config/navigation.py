"""Main navigation, contributed by apps. In AppConfig.ready():

navigation.register("referrals", _("Referrals"), "referrals:list", order=20,
                    visible=lambda user: user.organization_id is not None)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    order: int
    visible: Callable[[Any], bool]


_ITEMS: dict[str, NavItem] = {}


def register(
    key: str,
    label: Any,
    url_name: str,
    *,
    order: int = 50,
    visible: Callable[[Any], bool] = lambda user: True,
) -> None:
    _ITEMS[key] = NavItem(key, label, url_name, order, visible)


def nav_items(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the items the current user may see, in order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {
            "key": i.key,
            "label": i.label,
            "url": reverse(i.url_name),
            "current": request.path.startswith(reverse(i.url_name)),
        }
        for i in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key))
        if i.visible(user)
    ]
    return {"nav_items": items}
