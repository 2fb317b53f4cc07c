"""Sections of the case page contributed by other apps (referrals, repatriation, exports).

An app registers a panel in its AppConfig.ready():

    panels.register("referrals", "referrals/partials/case_panel.html", referral_panel, order=20)

where ``referral_panel(request, case, perms)`` returns the panel's context (a dict) or None
to leave the panel out. The case page includes each template with ``panel`` set to that
dict, so apps add sections without touching the case page. Each panel's context function is
called with a case the user may see (cases.access.case_for has run) and must do its own
queries with select_related/prefetch so the page's query count stays flat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Case

PanelContext = Callable[[HttpRequest, Case, frozenset[str]], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    order: int


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, Panel] = {}


def register(name: str, template: str, context: PanelContext, *, order: int = 50) -> None:
    _PANELS[name] = Panel(name=name, template=template, context=context, order=order)


def panels_for(request: HttpRequest, case: Case, perms: frozenset[str]) -> list[RenderedPanel]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        ctx = panel.context(request, case, perms)
        if ctx is not None:
            rendered.append(RenderedPanel(panel.name, panel.template, ctx))
    return rendered
