"""The dashboard's reintegration figures (reports.figures), over the follow-ups of the visible,
filtered cases (``reports.selectors.visible_cases``):

- "Follow-ups after the return": due now (window open), done, overdue (window closed without a
  record), not yet due. One query.
- "At 12 months": of the people reached at their 12-month follow-up, the share safe, working,
  out of debt, trafficked again. One query.
- "At 12 months, by organisation" (the assigned organisation) and "by route" (country of
  exploitation and industry): people reached and the same shares per group. One query each.

Small cells are suppressed as the CTDC export suppresses them (``REPORTS_MIN_CELL``, k): a
share is shown only over at least k people; groups of fewer than k are pooled into "Other",
and left out when the pool is smaller than k too. Outcomes are de-identified: counts only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cases.vocab import Industry
from reports.figures import Figure, Row
from reports.selectors import Filters, visible_cases

from .models import FollowUp

SHARES = {
    "safe": Q(safe=True),
    "working": Q(working=True),
    "out_of_debt": Q(in_debt=False),
    "re_trafficked": Q(re_trafficked=True),
}
SHARE_LABELS = {
    "safe": _("Safe"),
    "working": _("Working"),
    "out_of_debt": _("Out of debt"),
    "re_trafficked": _("Trafficked again"),
}


def _follow_ups(user: Any, filters: Filters) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case_id__in=visible_cases(user, filters).values("pk"))


def _reached_at_12(user: Any, filters: Filters) -> QuerySet[FollowUp]:
    return _follow_ups(user, filters).filter(months=12, recorded_at__isnull=False, reached=True)


def _counts(**extra: Any) -> dict[str, Count]:
    return {
        "n": Count("pk"),
        **{name: Count("pk", filter=q) for name, q in SHARES.items()},
        **extra,
    }


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def follow_up_status(user: Any, filters: Filters) -> Figure | None:
    today = timezone.localdate()
    open_ = Q(recorded_at__isnull=True)
    c = _follow_ups(user, filters).aggregate(
        due=Count("pk", filter=open_ & Q(window_start__lte=today, window_end__gte=today)),
        done=Count("pk", filter=Q(recorded_at__isnull=False)),
        overdue=Count("pk", filter=open_ & Q(window_end__lt=today)),
        later=Count("pk", filter=open_ & Q(window_start__gt=today)),
    )
    if not any(c.values()):
        return None
    return Figure(
        rows=[
            Row(_("Due now"), c["due"]),
            Row(_("Done"), c["done"]),
            Row(_("Overdue"), c["overdue"]),
            Row(_("Not yet due"), c["later"]),
        ],
        note=_(
            "Follow-ups 3, 6 and 12 months after the return, of cases registered from "
            "%(start)s to %(end)s. Due: within two weeks of the date."
        )
        % {"start": filters.date_from.isoformat(), "end": filters.date_to.isoformat()},
        value_label=_("Follow-ups"),
    )


def outcomes_at_12(user: Any, filters: Filters) -> Figure | None:
    k = settings.REPORTS_MIN_CELL
    c = _reached_at_12(user, filters).aggregate(**_counts())
    if not c["n"]:
        return None
    if c["n"] < k:
        return Figure(
            rows=[],
            note=_(
                "Fewer than %(k)s people reached at 12 months: not shown, so that no one can "
                "be recognised."
            )
            % {"k": k},
        )
    return Figure(
        rows=[Row(SHARE_LABELS[name], _pct(c[name], c["n"])) for name in SHARES],
        note=_("Share of the %(n)s people reached at their 12-month follow-up.") % {"n": c["n"]},
        value_label=_("% of people reached"),
    )


def _group_label(label: Any, c: dict[str, int]) -> str:
    shares = " · ".join(f"{SHARE_LABELS[name]} {_pct(c[name], c['n'])}%" for name in SHARES)
    return f"{label}: {shares}"


def _grouped(rows: list[tuple[Any, Any]], other: Any) -> Figure | None:
    """Rows of groups of at least k people; the smaller pooled into ``other`` (left out when
    the pool is under k too)."""
    k = settings.REPORTS_MIN_CELL
    if not rows:
        return None
    shown, pool = [], dict.fromkeys(["n", *SHARES], 0)
    for label, c in rows:
        if c["n"] >= k:
            shown.append(Row(_group_label(label, c), c["n"]))
        else:
            for key in pool:
                pool[key] += c[key]
    hidden = 0
    if pool["n"] >= k:
        shown.append(Row(_group_label(other, pool), pool["n"]))
    else:
        hidden = pool["n"]
    note: Any = _("People reached at their 12-month follow-up, and the share of them.")
    if hidden:
        note = _(
            "People reached at their 12-month follow-up, and the share of them. %(n)s people "
            "in groups of fewer than %(k)s are not shown."
        ) % {"n": hidden, "k": k}
    return Figure(rows=sorted(shown, key=lambda r: -r.value), note=note, value_label=_("People"))


def by_organization(user: Any, filters: Filters) -> Figure | None:
    rows = (
        _reached_at_12(user, filters)
        .order_by()
        .values("assigned_organization__name")
        .annotate(**_counts())
    )
    return _grouped([(r["assigned_organization__name"], r) for r in rows], _("Other organisations"))


def by_route(user: Any, filters: Filters) -> Figure | None:
    rows = (
        _reached_at_12(user, filters)
        .order_by()
        .values("case__country_of_exploitation", "case__industry")
        .annotate(**_counts())
    )
    industries = dict(Industry.choices)
    out = []
    for r in rows:
        country = countries.name(r["case__country_of_exploitation"]) or _("Country not recorded")
        industry = industries.get(r["case__industry"], _("Industry not recorded"))
        out.append((f"{country} · {industry}", r))
    return _grouped(out, _("Other routes"))


def register() -> None:
    from reports import figures

    figures.register(
        "reintegration_follow_ups", _("Follow-ups after the return"), follow_up_status, order=70
    )
    figures.register("reintegration_outcomes", _("At 12 months"), outcomes_at_12, order=71)
    figures.register(
        "reintegration_by_org", _("At 12 months, by organisation"), by_organization, order=72
    )
    figures.register("reintegration_by_route", _("At 12 months, by route"), by_route, order=73)
