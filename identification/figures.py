"""Dashboard figures (reports.figures): how often each forced-labour indicator was answered
"yes", and the trafficking events by place. De-identified: counts of cases, over the cases
the user's organisation may see (``reports.selectors.visible_cases``), one query each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from reports.figures import Figure, Row
from reports.selectors import visible_cases

from .indicators import Answer, IloIndicator, IndicatorSet, InterviewStatus, Stage
from .models import IndicatorAnswer, TraffickingEvent

TOP_PLACES = 10


def indicator_frequencies(user: Any, filters: Any) -> Figure | None:
    counts = dict(
        IndicatorAnswer.objects.filter(
            set=IndicatorSet.ILO,
            answer=Answer.YES,
            interview__status=InterviewStatus.COMPLETE,
            interview__case__in=visible_cases(user, filters).values("pk"),
        )
        .values("code")
        .annotate(n=Count("interview__case", distinct=True))
        .values_list("code", "n")
    )
    if not counts:
        return None
    rows = [Row(label, counts.get(code, 0)) for code, label in IloIndicator.choices]
    return Figure(
        rows=rows,
        note=_("Complete screening interviews; a case counts once per indicator."),
        value_label=_("Cases"),
    )


def events_by_place(user: Any, filters: Any) -> Figure | None:
    rows = list(
        TraffickingEvent.objects.filter(case__in=visible_cases(user, filters).values("pk"))
        .values("place__name", "place__country", "stage")
        .annotate(n=Count("case", distinct=True))
        .order_by("-n", "place__name")[: TOP_PLACES * 3]
    )
    if not rows:
        return None
    stages = dict(Stage.choices)

    def label(r: Any) -> str:
        stage = stages.get(r["stage"], r["stage"])
        return f"{r['place__name']} ({r['place__country']}) · {stage}"

    return Figure(
        rows=[Row(label(r), r["n"]) for r in rows[:TOP_PLACES]],
        note=_("The places named most often, by stage; a case counts once per place."),
        value_label=_("Cases"),
    )


def register() -> None:
    from reports import figures

    figures.register(
        "identification_indicators",
        _("Forced-labour indicators found"),
        indicator_frequencies,
        order=60,
    )
    figures.register(
        "identification_places", _("Trafficking events by place"), events_by_place, order=61
    )
