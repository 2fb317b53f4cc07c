"""Step templates per route. The default template is created on first use (works the same on
SQLite and PostgreSQL, and an admin's edits to it are never overwritten)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from partners.models import Organization

from .models import Responsible, StepKind, StepTemplate, StepTemplateItem

# (kind, who does it, due this many days after the plan is created)
DEFAULT_STEPS: list[tuple[str, str, int]] = [
    (StepKind.LOCATED_SAFE, Responsible.LEAD, 3),
    (StepKind.INTERVIEW, Responsible.LEAD, 7),
    (StepKind.CONSENT, Responsible.OWNER, 7),
    (StepKind.NATIONALITY, Responsible.EMBASSY, 14),
    (StepKind.TRAVEL_DOCUMENT, Responsible.EMBASSY, 21),
    (StepKind.EXIT_CLEARANCE, Responsible.EMBASSY, 28),
    (StepKind.FAMILY_TRACING, Responsible.OWNER, 28),
    (StepKind.TRAVEL_ARRANGED, Responsible.LEAD, 35),
    (StepKind.DEPARTED, Responsible.LEAD, 42),
    (StepKind.ARRIVED, Responsible.OWNER, 43),
    (StepKind.HANDED_OVER, Responsible.OWNER, 44),
    (StepKind.FOLLOW_UP_3, Responsible.OWNER, 44 + 91),
    (StepKind.FOLLOW_UP_6, Responsible.OWNER, 44 + 182),
    (StepKind.FOLLOW_UP_12, Responsible.OWNER, 44 + 365),
]


def default_template() -> StepTemplate:
    """The platform's default template, created with the standard steps the first time."""
    existing = StepTemplate.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            template = StepTemplate.objects.create(name="Default route", is_default=True)
            StepTemplateItem.objects.bulk_create(
                StepTemplateItem(
                    template=template, order=i, kind=kind, responsible=who, due_after_days=days
                )
                for i, (kind, who, days) in enumerate(DEFAULT_STEPS, start=1)
            )
    except IntegrityError:  # another request created it first (unique default constraint)
        return StepTemplate.objects.get(is_default=True)
    return template


def template_for(*, lead: Organization, home_country: str, current_country: str) -> StepTemplate:
    """The most specific template for the route, in one query: the lead organisation's own
    before a platform one, then an exact route before a route with one country left blank,
    before a route with both blank; the default template when nothing matches. A template
    without steps is ignored (an admin half-way through editing it)."""
    candidates = list(
        StepTemplate.objects.filter(
            Q(organization=lead) | Q(organization__isnull=True, is_default=False),
            home_country__in=[home_country, ""],
            current_country__in=[current_country, ""],
            items__isnull=False,
        ).distinct()
    )

    def score(t: StepTemplate) -> tuple[int, int, int]:
        return (
            0 if t.organization_id else 1,
            0 if t.current_country else 1,
            0 if t.home_country else 1,
        )

    if candidates:
        return min(candidates, key=score)
    return default_template()
