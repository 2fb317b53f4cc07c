"""Writes to cases. Each service is atomic, checks permission through cases.access, writes,
adds the timeline entry and the audit event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record
from config.dates import validate_fields
from notifications.services import notify
from partners.models import Organization, User
from partners.roles import Right, roles_with

from . import access, disclosure, timeline
from .models import (
    Case,
    CaseExploitation,
    CaseGroup,
    CaseGroupObjectPermission,
    CaseNote,
    Consent,
    DistressCall,
    Person,
    ReferenceCounter,
)
from .vocab import ConsentPurpose


def next_references(
    organization: Organization, count: int, *, year: int | None = None
) -> list[str]:
    """``count`` references ``KH-LSCW-2026-00042`` (country, organisation code, year,
    number), consecutive, taken in one statement.

    Must run inside a transaction: the UPDATE locks the organisation's counter row until
    the transaction commits, so two intakes never get the same number and numbers are
    never reused; a transaction that rolls back gives its numbers back (no gaps). Because
    the lock lasts until the commit, callers take references at the END of their
    transaction (see ``distress_call_create``): an intake of 30 persons then holds the lock
    for a few milliseconds, not for the whole intake."""
    year = year or timezone.localdate().year
    counter, _created = ReferenceCounter.objects.get_or_create(organization=organization, year=year)
    # One UPDATE takes the row lock and all the numbers; read back under that lock.
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + count)
    last = ReferenceCounter.objects.values_list("last_number", flat=True).get(pk=counter.pk)
    country = organization.country.code  # type: ignore[attr-defined]
    prefix = f"{country}-{organization.code.upper()}-{year}"
    return [f"{prefix}-{number:05d}" for number in range(last - count + 1, last + 1)]


def next_reference(organization: Organization, *, year: int | None = None) -> str:
    """One reference (see ``next_references``)."""
    return next_references(organization, 1, year=year)[0]


def pending_reference() -> str:
    """A unique stand-in until ``issue_references`` gives the case its real reference, at
    the end of the transaction that opens it."""
    return f"pending-{uuid.uuid4().hex}"


def issue_references(organization: Organization, cases: list[Case]) -> None:
    """Give the cases opened with ``pending_reference()`` their references, in order, in
    one counter statement; their change history gets the same reference."""
    pending = [case for case in cases if case.reference.startswith("pending-")]
    if not pending:
        return
    references = next_references(organization, len(pending))
    for case, reference in zip(pending, references, strict=True):
        Case.objects.filter(pk=case.pk).update(reference=reference)
        Case.history.filter(id=case.pk, reference=case.reference).update(reference=reference)
        case.reference = reference


@transaction.atomic
def case_create(
    *,
    organization: Organization,
    by: User | None,
    person: Person,
    group: CaseGroup | None = None,
    reference: str | None = None,
    **fields,
) -> Case:
    """Open a case owned by ``organization``; the owner holds every permission on it.

    Without ``reference`` the case takes its reference now (the counter stays locked until
    the caller's transaction commits). A caller opening several cases, or doing more work
    after, passes ``reference=pending_reference()`` and calls ``issue_references`` last."""
    if person.pk is None:
        person.full_clean()
        person._history_user = by  # change history
        person.save()
    case = Case(
        person=person,
        owner_organization=organization,
        group=group,
        created_by=by,
        status_changed_by=by,
        reference=reference or next_reference(organization),
        **fields,
    )
    case.full_clean(exclude=["reference", "pseudonym", "person"])
    case._history_user = by  # type: ignore[attr-defined]  # change history
    case.save()
    access.grant_owner(case)
    timeline.record(case=case, kind="case_created", actor=by, organization=organization)
    return case


@transaction.atomic
def case_note_add(*, case: Case, body: str, by: User) -> CaseNote:
    access.require(by, case, access.CHANGE)
    assert by.organization is not None
    note = CaseNote(case=case, body=body, author=by, organization=by.organization)
    validate_fields(note, ["body"])  # the model's length, on every path
    note.save()
    timeline.record(case=case, kind="note_added", actor=by)
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"note": note.pk})
    return note


# --- intake -------------------------------------------------------------------------------

CASE_FACT_FIELDS = (
    "industry",
    "means_of_control",
    "country_of_exploitation",
    "trafficking_status",
    "recruiter_relation",
)


MAX_PERSONS_PER_CALL = 30
"""The most persons one call may name: the intake page's formset, the API's ``persons`` list
(``maxItems`` in the schema) and ``distress_call_create`` itself read this one number."""

TOO_MANY_PERSONS = gettext_lazy(
    "A call can name at most %(num)d persons: log the others in another call."
)


def too_many_persons() -> str:
    return TOO_MANY_PERSONS % {"num": MAX_PERSONS_PER_CALL}


def check_person_count(count: int) -> None:
    """Refuse a call naming more than ``MAX_PERSONS_PER_CALL`` persons, before any
    per-person work."""
    if count > MAX_PERSONS_PER_CALL:
        raise ValidationError({"persons": [too_many_persons()]})


@dataclass
class PersonIntake:
    """One person named in a call: either a new Person (unsaved) or an existing case the
    caseworker linked after the duplicate warning."""

    person: Person | None = None
    link_case_id: int | None = None


@transaction.atomic
def distress_call_create(
    *,
    by: User,
    call: DistressCall,
    persons: list[PersonIntake] | None = None,
    existing_case: Case | None = None,
    exploitation_types: list[str] | None = None,
    case_fields: dict[str, Any] | None = None,
) -> tuple[DistressCall, list[Case]]:
    """Log a distress call in one transaction.

    ``call`` is an unsaved DistressCall (validated by the form). With ``existing_case`` the
    call is attached to that case (the caller must be allowed to change it). Otherwise one
    case is opened per person; persons whose ``link_case_id`` is set are attached instead.
    New cases of one call share a CaseGroup when there are several. Any failure — a person
    that does not validate, a linked case the user may not change — rolls everything back.

    Returns the call and the cases it concerns (new and linked, in form order)."""
    if not access.may_log_calls(by):
        raise PermissionDenied
    check_person_count(len(persons or []))
    organization = by.organization
    assert organization is not None
    exploitation_types = list(exploitation_types or [])
    case_fields = dict(case_fields or {})
    call.organization = organization
    call.logged_by = by
    call.full_clean(exclude=["organization", "logged_by"])
    call.save()

    cases: list[Case] = []
    if existing_case is not None:
        access.require(by, existing_case, access.CHANGE)
        cases.append(existing_case)
    else:
        persons = persons or []
        if not persons:
            raise ValidationError(_("Name at least one person, or choose an existing case."))
        new_count = sum(1 for p in persons if p.link_case_id is None)
        group = None
        if new_count > 1:
            group = CaseGroup.objects.create(
                owner_organization=organization,
                label=_("Call of %(date)s") % {"date": f"{call.received_at:%Y-%m-%d}"},
            )
            call.group = group
            call.save(update_fields=["group"])
        for item in persons:
            if item.link_case_id is not None:
                cases.append(access.case_for(by, item.link_case_id, access.CHANGE))
                continue
            assert item.person is not None
            case = case_create(
                organization=organization,
                by=by,
                person=item.person,
                group=group,
                urgency=call.urgency,
                assigned_to=by,
                country_of_origin=item.person.nationality,
                current_country=call.reported_country,
                created_at=call.received_at,
                reference=pending_reference(),  # issued last: the counter lock stays short
                **case_fields,
            )
            CaseExploitation.objects.bulk_create(
                [CaseExploitation(case=case, type=t) for t in exploitation_types]
            )
            cases.append(case)
    call.cases.add(*cases)
    for case in cases:
        timeline.record(
            case=case,
            kind="call_logged",
            actor=by,
            data={"channel": call.channel},  # a code: cases/timeline.py shows its label
        )
        audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"call": call.pk})
    # Last, in one statement for all persons: the organisation's counter is locked only
    # from here to the commit (issue 16: a long intake made the others wait minutes).
    issue_references(organization, cases)
    return call, cases


# --- editing with optimistic locking --------------------------------------------------------


ASSIGN_TO_OWNER = gettext_lazy("Assign only to a member of the owner.")


class StaleCase(Exception):
    """The case changed since the editor loaded it. ``current`` is the case as it is now."""

    def __init__(self, current: Case):
        super().__init__("The case was changed by someone else")
        self.current = current


EDITABLE_CASE_FIELDS = (
    "status",
    "urgency",
    "trafficking_status",
    "trafficking_status_decided_by",
    "trafficking_status_decided_by_org",
    "trafficking_status_decider_kind",
    "trafficking_status_decided_at",
    "means_of_control",
    "industry",
    "sex_exploitation_types",
    "exploitation_started_on",
    "exploitation_ended_on",
    "recruiter_relation",
    "country_of_origin",
    "country_of_exploitation",
    "current_country",
    "current_place",
    "assigned_to",
)


@transaction.atomic
def case_update(
    *,
    case: Case,
    by: User,
    version: int,
    changes: dict[str, Any],
    exploitation_types: list[str] | None = None,
) -> Case:
    """Change a case's facts. ``version`` is the version the editor loaded: if the case has
    moved on since, nothing is written and StaleCase is raised (no silent lost update).

    The row is locked for the rest of the transaction, so two saves carrying the same
    version cannot both pass the check."""
    disclosure.require_write(by, case, disclosure.CASE, changes)
    unknown = set(changes) - set(EDITABLE_CASE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise StaleCase(current)
    if "assigned_to" in changes and changes["assigned_to"] != current.assigned_to:
        access.require(by, case, access.ASSIGN)
        assignee = changes["assigned_to"]
        if assignee is not None and (
            assignee.organization_id != current.owner_organization_id or not assignee.is_active
        ):
            raise ValidationError({"assigned_to": ASSIGN_TO_OWNER})
    changed = [f for f, v in changes.items() if getattr(current, f) != v]
    old_status = current.status
    for field, value in changes.items():
        setattr(current, field, value)
    if exploitation_types is not None:
        new_types = set(exploitation_types)
        old_types = set(current.exploitations.values_list("type", flat=True))
        if new_types != old_types:
            changed.append("exploitation_types")
            current.exploitations.exclude(type__in=new_types).delete()
            CaseExploitation.objects.bulk_create(
                [CaseExploitation(case=current, type=t) for t in new_types - old_types]
            )
    if not changed:
        return current
    now = timezone.now()
    if "status" in changed:
        current.status_changed_at = now
        current.status_changed_by = by
    current.version = F("version") + 1
    current.full_clean(exclude=["reference", "pseudonym", "person", "version"])
    current._history_user = by  # type: ignore[attr-defined]  # change history
    current.save()
    current.refresh_from_db()
    if "status" in changed:
        timeline.record(
            case=current,
            kind="status_changed",
            actor=by,
            data={"old": str(old_status), "new": str(current.status)},  # codes
        )
    if "assigned_to" in changed:
        assignee = current.assigned_to
        timeline.record(
            case=current,
            kind="assigned",
            actor=by,
            data={"assignee": (assignee.get_full_name() or assignee.username) if assignee else "—"},
        )
    if set(changed) - {"status", "assigned_to"}:
        timeline.record(case=current, kind="case_updated", actor=by)
    audit_record(action=AuditAction.CHANGED, actor=by, target=current, detail={"fields": changed})
    return current


PERSON_EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "sex",
    "gender",
    "date_of_birth",
    "estimated_age",
    "nationality",
    "stateless",
    "languages",
    "phone",
    "document_number",
    "family_contacts",
)


@transaction.atomic
def person_update(*, case: Case, by: User, version: int, changes: dict[str, Any]) -> Person:
    """Correct the identity or facts of the case's person. Locked on the case's version like
    ``case_update``: a save based on an outdated page raises StaleCase and writes nothing.
    Needs change and view identity (the form shows the identity it edits)."""
    disclosure.require_write(by, case, disclosure.PERSON, changes)
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    current = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if current.version != version:
        raise StaleCase(current)
    person = current.person
    changed = [f for f, v in changes.items() if getattr(person, f) != v]
    if not changed:
        return person
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean()
    person._history_user = by  # type: ignore[attr-defined]  # change history
    person.save()
    Case.objects.filter(pk=current.pk).update(version=F("version") + 1, updated_at=timezone.now())
    # Field names only: the timeline and the audit log never hold identity.
    timeline.record(case=current, kind="person_updated", actor=by)
    audit_record(action=AuditAction.CHANGED, actor=by, target=current, detail={"person": changed})
    return person


# --- notes ----------------------------------------------------------------------------------

NOTE_EDIT_WINDOW = timedelta(hours=24)


def note_editable_by(note: CaseNote, user: User) -> bool:
    """Authors may correct their own note for 24 hours; after that it stands as written."""
    return note.author_id == user.pk and timezone.now() - note.created_at < NOTE_EDIT_WINDOW


@transaction.atomic
def case_note_edit(*, note: CaseNote, body: str, by: User) -> CaseNote:
    disclosure.require_write(by, note.case, disclosure.NOTE, ["body"])
    if not note_editable_by(note, by):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": _("The note cannot be empty.")})
    note.body = body
    validate_fields(note, ["body"])
    note.save(update_fields=["body", "updated_at"])
    timeline.record(case=note.case, kind="note_edited", actor=by)
    audit_record(action=AuditAction.CHANGED, actor=by, target=note.case, detail={"note": note.pk})
    return note


# --- consent --------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by: User,
    purpose: str,
    granted: bool,
    method: str,
    given_at=None,
    note: str = "",
) -> Consent:
    access.require(by, case, access.CHANGE)
    consent = Consent(
        case=case,
        purpose=purpose,
        granted=granted,
        method=method,
        given_at=given_at or timezone.now(),
        recorded_by=by,
        note=note,
    )
    consent.full_clean()
    consent._history_user = by  # type: ignore[attr-defined]  # change history
    consent.save()
    timeline.record(
        case=case,
        kind="consent_recorded",
        actor=by,
        data={
            "purpose": consent.purpose,  # codes: cases/timeline.py shows the labels
            "answer": "yes" if granted else "no",
        },
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"consent": consent.pk})
    return consent


def partners_holding(case: Case) -> list[User]:
    """Active case staff of every organisation other than the owner that holds a permission
    on the case (through an accepted referral, or a grant)."""
    org_ids = (
        CaseGroupObjectPermission.objects.filter(content_object=case)
        .exclude(group__organization__id=case.owner_organization_id)
        .values("group__organization__id")
    )
    return list(
        User.objects.filter(
            organization_id__in=org_ids,
            is_active=True,
            role__in=roles_with(Right.HEAR_OF_WITHDRAWN_CONSENT),
        )
    )


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User) -> Consent:
    """Record the withdrawal; it takes effect at once: referrals and exports for the purpose
    are refused from now on (referrals.services, exports.services), and the partners holding
    the case are told — by reference and purpose only, never who the person is."""
    access.require(by, consent.case, access.CHANGE)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None or not consent.granted:
        return consent  # idempotent: nothing to withdraw
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent._history_user = by  # type: ignore[attr-defined]  # change history
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    timeline.record(
        case=consent.case,
        kind="consent_withdrawn",
        actor=by,
        data={"purpose": consent.purpose},
    )
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=consent.case,
        detail={"consent": consent.pk, "withdrawn": consent.purpose},
    )
    case = consent.case
    notify(
        recipients=partners_holding(case),
        kind="consent_withdrawn",
        message=gettext_lazy(
            "The person withdrew their consent on case %(reference)s: %(purpose)s. Do not use "
            "or share the case for this purpose any more."
        ),
        params={"reference": case.reference, "purpose": ConsentPurpose(consent.purpose).label},
        link=case.get_absolute_url(),
    )
    return consent
