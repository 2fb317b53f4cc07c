"""The dashboard's figures: a registry other apps add to, and the geometry of their charts.

An app registers a figure in its AppConfig.ready() (or the lead does after a merge):

    from reports import figures
    figures.register("referrals_waiting", _("Referrals awaiting a response"), compute, order=40)

``compute(user, filters)`` returns a ``Figure`` or ``None`` (nothing to show: the figure is
left out). It must aggregate in the database — one or two queries whatever the number of
cases — and scope itself with ``reports.selectors.visible_cases(user, filters)``. Precondition:
``user`` has ``Right.SEE_DASHBOARD`` (partners.roles; the view checks it before computing
anything).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .selectors import Filters


@dataclass(frozen=True)
class Row:
    """One number of a figure. ``url`` leads to the case list filtered to the cases counted
    (None when no list can show them, e.g. a median)."""

    label: Any
    value: int | float
    url: str | None = None


@dataclass(frozen=True)
class Figure:
    rows: list[Row]
    # A short sentence under the title: what is counted, and over which period.
    note: Any = ""
    # Heading of the value column of the table ("Cases", "Days", ...).
    value_label: Any = ""
    # False for a single number (calls this week, a median): shown without a chart.
    chart: bool = True

    @property
    def total(self) -> int | float:
        return sum(r.value for r in self.rows)


Compute = Callable[[Any, "Filters"], Figure | None]


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: Any
    compute: Compute
    order: int


_REGISTRY: dict[str, FigureSpec] = {}


def register(name: str, title: Any, compute: Compute, order: int = 50) -> None:
    """Add (or replace, by name) a figure of the dashboard. Lower ``order`` comes first."""
    _REGISTRY[name] = FigureSpec(name, title, compute, order)


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered() -> list[FigureSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def median_days(values: Iterable[int | float | None]) -> float | None:
    """The median of durations in days, ignoring missing ones; None when there is none.

    For the repatriation figure "median days from first call to return home": pass the
    per-case durations (already computed in the database), not the cases."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return float(statistics.median(present))


# --- chart geometry ------------------------------------------------------------------------
# A horizontal bar chart in a fixed coordinate system (the SVG viewBox); the browser scales it
# to the width of the card. Geometry is computed here so the template holds no arithmetic and
# no style attribute (strict CSP): only SVG presentation attributes (x, y, width, height).

CHART_WIDTH = 320
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_HEIGHT = 40
VALUE_GAP = 4
# Room to the right of the longest bar for its value.
VALUE_ROOM = 40


@dataclass(frozen=True)
class Bar:
    label: Any
    value: int | float
    url: str | None
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)


def chart_for(figure: Figure) -> Chart:
    """Bars scaled to the largest value; a non-zero value always gets a visible bar."""
    biggest = max((r.value for r in figure.rows), default=0) or 1
    usable = CHART_WIDTH - VALUE_ROOM
    bars = []
    for i, row in enumerate(figure.rows):
        top = i * ROW_HEIGHT
        width = round(usable * row.value / biggest)
        if row.value and width < 2:
            width = 2
        bars.append(
            Bar(
                label=row.label,
                value=row.value,
                url=row.url,
                label_y=top + LABEL_HEIGHT - 4,
                bar_y=top + LABEL_HEIGHT,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=top + LABEL_HEIGHT + BAR_HEIGHT - 2,
            )
        )
    return Chart(width=CHART_WIDTH, height=max(len(bars), 1) * ROW_HEIGHT, bars=bars)


@dataclass(frozen=True)
class Shown:
    """A computed figure ready for the template."""

    name: str
    title: Any
    figure: Figure
    chart: Chart | None


def compute_all(user: Any, filters: Filters) -> list[Shown]:
    """Every registered figure that has something to show, in order."""
    shown = []
    for spec in registered():
        figure = spec.compute(user, filters)
        if figure is None:
            continue
        chart = chart_for(figure) if figure.chart and figure.rows else None
        shown.append(Shown(spec.name, spec.title, figure, chart))
    return shown
