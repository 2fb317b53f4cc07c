"""Writes to cases. Each service is atomic, checks permission through cases.access, writes,
adds the timeline entry and the audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from partners.models import Organization, User

from . import access, timeline
from .models import Case, CaseGroup, CaseNote, Person, ReferenceCounter


def next_reference(organization: Organization, *, year: int | None = None) -> str:
    """``KH-LSCW-2026-00042``: country, organisation code, year, number. Must run inside a
    transaction: the counter row is locked until it commits, so two intakes never get the
    same number, and numbers are never reused."""
    year = year or timezone.localdate().year
    counter, _created = ReferenceCounter.objects.get_or_create(organization=organization, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    country = organization.country.code  # type: ignore[attr-defined]
    return f"{country}-{organization.code.upper()}-{year}-{counter.last_number:05d}"


@transaction.atomic
def case_create(
    *,
    organization: Organization,
    by: User | None,
    person: Person,
    group: CaseGroup | None = None,
    **fields,
) -> Case:
    """Open a case owned by ``organization``; the owner holds every permission on it."""
    if person.pk is None:
        person.full_clean()
        person.save()
    case = Case(
        person=person,
        owner_organization=organization,
        group=group,
        created_by=by,
        status_changed_by=by,
        reference=next_reference(organization),
        **fields,
    )
    case.full_clean(exclude=["reference", "pseudonym", "person"])
    case.save()
    access.grant_owner(case)
    timeline.record(case=case, kind="case_created", actor=by, organization=organization)
    return case


@transaction.atomic
def case_note_add(*, case: Case, body: str, by: User) -> CaseNote:
    access.require(by, case, access.CHANGE)
    assert by.organization is not None
    note = CaseNote.objects.create(case=case, body=body, author=by, organization=by.organization)
    timeline.record(case=case, kind="note_added", actor=by)
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"note": note.pk})
    return note
