"""Reads of cases. Every list starts from cases.access.cases_visible_to()."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When

from . import access, identity_index
from .models import Case, CaseNote, Consent, DistressCall
from .vocab import CaseStatus, Urgency

SORTS = {
    # key -> ordering; the last key breaks ties so pages are stable.
    "updated": ("-updated_at", "-id"),
    "created": ("-created_at", "-id"),
    "reference": ("reference",),
    "urgency": ("urgency_rank", "-updated_at", "-id"),
    "status": ("status_rank", "-updated_at", "-id"),
}


@dataclass
class CaseFilters:
    """The case list's filters, already validated by the view's form."""

    q: str = ""
    search_by: str = "reference"  # reference | name | phone
    phone_e164: str = ""
    mine: bool = False
    group: int | None = None
    sort: str = "updated"


def _rank(field: str, values: list[str]) -> SqlCase:
    """Order by the vocabulary's own order (most pressing / earliest stage first) rather
    than alphabetically by code."""
    return SqlCase(
        *[When(**{field: v}, then=Value(i)) for i, v in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def _name_q(text: str) -> Q:
    """Every word of ``text`` is part of one of the person's names, in either script (the
    blind index over the encrypted names: cases.identity_index)."""
    return identity_index.identity_search_q(text, "name")


def case_list(
    user: access.AnyUser, *, q: str = "", filters: CaseFilters | None = None
) -> QuerySet[Case]:
    """The case list: visible cases with what a row shows.

    Name and phone searches run only among cases whose identity the user may see
    (``cases_visible_to(user, VIEW_IDENTITY)``); the view refuses them outright for roles
    without view identity. The query count does not depend on the page size: person, owner
    and assignee are joined, identity permission is annotated per row."""
    f = filters or CaseFilters(q=q)
    if f.search_by in ("name", "phone") and f.q.strip():
        qs = access.cases_visible_to(user, access.VIEW_IDENTITY)
        if f.search_by == "name":
            qs = qs.filter(_name_q(f.q))
        else:
            qs = qs.filter(identity_index.identity_search_q(f.phone_e164 or f.q, "phone"))
    else:
        qs = access.cases_visible_to(user, access.VIEW)
        if f.q.strip():
            qs = qs.filter(reference__icontains=f.q.strip())
    if f.mine:
        qs = qs.filter(assigned_to_id=getattr(user, "pk", None))
    if f.group:
        qs = qs.filter(group_id=f.group)
    ordering = SORTS.get(f.sort, SORTS["updated"])
    if f.sort == "urgency":
        qs = qs.annotate(urgency_rank=_rank("urgency", Urgency.values))
    elif f.sort == "status":
        qs = qs.annotate(status_rank=_rank("status", CaseStatus.values))
    return qs.select_related("person", "owner_organization", "assigned_to").order_by(*ordering)


def status_counts_and_total(qs: QuerySet[Case]) -> tuple[dict[str, int], int]:
    """The counts per status and the total, in the same single aggregate query: the case
    list pages with this total rather than a second COUNT over the visible cases."""
    agg = qs.order_by().aggregate(
        _total=Count("pk"),
        **{s.value: Count("pk", filter=Q(status=s.value)) for s in CaseStatus},
    )
    return {s: agg[s] or 0 for s in CaseStatus.values}, agg["_total"] or 0


# --- duplicates at intake ------------------------------------------------------------------


def possible_duplicates(
    user: access.AnyUser, *, phones: list[str], names: list[str], limit: int = 10
) -> list[Case]:
    """Existing cases that may be about the same person: the same phone (person's or a
    caller's, in E.164) or a similar name (the share of the name's trigrams the person's
    names hold, over the blind index: cases.identity_index). Only among cases whose identity
    the user may see — the warning shows names, so it must never reach further than that."""
    phones = [p for p in phones if p]
    names = [n.strip() for n in names if n and n.strip()]
    if not phones and not names:
        return []
    qs = access.cases_visible_to(user, access.VIEW_IDENTITY)
    match = Q(pk__in=[])
    for phone in phones:
        match |= identity_index.identity_search_q(phone, "phone")
    if names:
        match |= Q(person_id__in=identity_index.similar_name_person_ids(names))
    return list(qs.filter(match).select_related("person", "owner_organization")[:limit])


# --- case page ------------------------------------------------------------------------------


def group_cases(user: access.AnyUser, case: Case) -> list[Case]:
    """The other cases of the case's group that the user may see, each annotated with
    ``can_view_identity`` so the page redacts per case (one query)."""
    if case.group_id is None:
        return []
    return list(
        access.cases_visible_to(user, access.VIEW)
        .filter(group_id=case.group_id)
        .exclude(pk=case.pk)
        .select_related("person")
        .order_by("reference")
    )


def calls_for(case: Case) -> list[DistressCall]:
    return list(case.calls.select_related("logged_by", "organization").order_by("-received_at"))


def notes_for(case: Case) -> list[CaseNote]:
    return list(case.notes.select_related("author", "organization").order_by("-created_at"))


def consents_for(case: Case) -> list[Consent]:
    return list(
        case.consents.select_related("recorded_by", "withdrawn_by").order_by("-given_at", "-id")
    )
