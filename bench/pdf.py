"""Benchmark: a typical 3-page case summary, end to end (access check, queries, template,
WeasyPrint) against WeasyPrint alone on the same, already-rendered HTML.

    python -m bench.pdf [--runs 10] [--notes 24]

Runs inside a transaction that is rolled back: the database is left as it was. Uses the
settings in DJANGO_SETTINGS_MODULE (default: local, i.e. `make run`'s database). Both sides
are warmed once first (fonts loaded, templates compiled), so the numbers compare steady
state, not start-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Stats:
    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Result:
    end_to_end: Stats
    weasyprint_only: Stats
    pages: int
    html_bytes: int

    @property
    def ratio(self) -> float:
        return self.end_to_end.median / self.weasyprint_only.median

    def report(self) -> str:
        def line(name: str, s: Stats) -> str:
            return f"{name:<18} median {s.median * 1000:8.1f} ms   p95 {s.p95 * 1000:8.1f} ms"

        return "\n".join(
            [
                f"case summary: {self.pages} pages, {self.html_bytes} bytes of HTML, "
                f"{len(self.end_to_end.runs)} runs each",
                line("end to end", self.end_to_end),
                line("WeasyPrint alone", self.weasyprint_only),
                f"ratio (median end to end / WeasyPrint alone): {self.ratio:.2f}",
            ]
        )


def _time(fn: Callable[[], Any], runs: int) -> Stats:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return Stats(times)


def build_case(*, notes: int = 8, timeline_entries: int = 12):
    """A typical case: Khmer and Latin names, facts, consents, a timeline and notes (about
    three A4 pages with the defaults). Must run inside a transaction the caller rolls back."""
    from django.utils import timezone

    from cases import timeline
    from cases.models import Consent, Person
    from cases.services import case_create, case_note_add
    from cases.vocab import (
        ConsentMethod,
        ConsentPurpose,
        ExploitationType,
        Industry,
        MeansOfControl,
        Sex,
    )
    from partners.models import Organization, OrganizationKind, User
    from partners.roles import Role

    org, _ = Organization.objects.get_or_create(
        code="BENCH",
        defaults={"name": "Benchmark NGO", "kind": OrganizationKind.NGO, "country": "KH"},
    )
    user, _ = User.objects.get_or_create(
        username="bench-coordinator",
        defaults={
            "organization": org,
            "role": Role.COORDINATOR,
            "first_name": "Bench",
            "last_name": "Mark",
        },
    )
    person = Person(
        given_name="សុខា",
        family_name="ពៅ",
        given_name_latin="Sokha",
        family_name_latin="Pov",
        sex=Sex.MALE,
        estimated_age=27,
        nationality="KH",
    )
    case = case_create(
        organization=org,
        by=user,
        person=person,
        industry=Industry.FISHING,
        country_of_origin="KH",
        country_of_exploitation="MY",
        means_of_control=[MeansOfControl.DEBT_BONDAGE, MeansOfControl.WITHHELD_DOCUMENTS],
    )
    case.exploitations.create(type=ExploitationType.FORCED_LABOUR)
    for purpose in (ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.REPATRIATION):
        Consent.objects.create(
            case=case, purpose=purpose, granted=True, method=ConsentMethod.VERBAL, recorded_by=user
        )
    for i in range(timeline_entries):
        timeline.record(case=case, kind="case_updated", actor=user, at=timezone.now())
        del i
    body = (
        "Called the family in Prey Veng; the brother confirms the boat left Kantang in March. "
        "Wages withheld for eleven months, passport held by the captain. "
    ) * 3
    for i in range(notes):
        case_note_add(case=case, body=f"{i + 1}. {body}", by=user)
    return case, user


def run(*, case, exporter, runs: int = 10) -> Result:
    """Time both paths on ``case`` as ``exporter`` (who must be allowed to export it)."""
    from cases import access
    from exports import pdf

    def end_to_end() -> pdf.RenderedPdf:
        fresh = access.case_for(exporter, case.pk, access.EXPORT)
        context = pdf.summary_context(
            case=fresh, exporter=exporter, anonymised=False, purpose_label="Court or prosecution"
        )
        return pdf.html_to_pdf(pdf.render_html(context, pdf.language_of(exporter)))

    context = pdf.summary_context(
        case=case, exporter=exporter, anonymised=False, purpose_label="Court or prosecution"
    )
    html = pdf.render_html(context, pdf.language_of(exporter))
    pages = pdf.html_to_pdf(html).pages
    return Result(
        end_to_end=_time(end_to_end, runs),
        weasyprint_only=_time(lambda: pdf.html_to_pdf(html), runs),
        pages=pages,
        html_bytes=len(html.encode()),
    )


def main(argv: list[str] | None = None) -> Result:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--notes", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        case, user = build_case(notes=args.notes)
        result = run(case=case, exporter=user, runs=args.runs)
        transaction.set_rollback(True)
    print(result.report())
    return result


if __name__ == "__main__":
    main()
