"""Retention and the right to erasure: anonymising a case.

A case closed more than ``settings.RETENTION_YEARS`` ago is anonymised by a daily task
(``cases.tasks.anonymise_expired_cases``); a coordinator of the owner organisation can
anonymise a case at once, with a written reason (``case_erase``). Either way:

- removed: the person's names in every script, phone, date of birth, document number, family
  contacts; the case's exact location; the case notes; consent notes; the caller's name and
  phone, call-back notes, places, vessel, employer and account of calls that concern no
  other case still holding identity; and, through the scrubbers other apps register, the free
  text of referrals and repatriation steps, the plan's exact place and the export files;
- scrubbed the same way: the change history rows (django-simple-history keeps every old
  value), so the history keeps who changed what and when, not the values removed;
- kept, for statistics: sex, age (the age at registration replaces the date of birth, so
  the age band stays right), nationality, statelessness, languages, exploitation types,
  industry, means of control, countries, status and dates;
- recorded: ``Case.anonymised_at``, a timeline entry and an audit event.

Anonymising is idempotent: a case already anonymised is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from partners.models import User
from partners.roles import Right, has_right

from . import access, disclosure, history, identity_index, timeline
from .models import (
    Case,
    CaseNote,
    Consent,
    DistressCall,
    Person,
)
from .vocab import CaseStatus

logger = logging.getLogger(__name__)

RETENTION = "retention"
ERASURE = "erasure"

# Calls: the caller's identity and every free-text or place field; channel, relation,
# language, reported country, urgency and time stay for the statistics.
CALL_SCRUBBED = dict.fromkeys(sorted(disclosure.CALL.identity), "")

# Other apps' data about the case (referrals, repatriation, exports), registered in their
# AppConfig.ready(): ``scrub(case)`` removes what identifies, history rows included.
Scrubber = Callable[[Case], None]
_SCRUBBERS: dict[str, Scrubber] = {}


def register(name: str, scrub: Scrubber) -> None:
    _SCRUBBERS[name] = scrub


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Cases closed before this moment are past the retention period."""
    now = now or timezone.now()
    years = settings.RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def expired_cases(now: datetime | None = None) -> QuerySet[Case]:
    """Closed before the cutoff, not yet anonymised, and whose person has no other case still
    in use (an open case, or one closed more recently, needs the identity still)."""
    cutoff = retention_cutoff(now)
    past = Q(status=CaseStatus.CLOSED, status_changed_at__lt=cutoff)
    still_needed = Case.objects.filter(person_id=OuterRef("person_id"), anonymised_at__isnull=True)
    still_needed = still_needed.exclude(past)
    return Case.objects.filter(past, anonymised_at__isnull=True).exclude(Exists(still_needed))


def _anonymise_person(person: Person, *, registered_on) -> None:
    age = person.age_on(registered_on)
    values = {f: "" for f in sorted(disclosure.PERSON.identity) if f != "date_of_birth"}
    Person.objects.filter(pk=person.pk).update(
        date_of_birth=None, estimated_age=age, updated_at=timezone.now(), **values
    )
    history.scrub_values(
        Person.history.filter(id=person.pk), sorted(disclosure.PERSON.identity), Person
    )
    identity_index.forget_person(person.pk)  # the blind index of the names and phone too


def _anonymise_calls(case: Case) -> int:
    """Calls whose every case is anonymised (this one included, already marked)."""
    open_case = Case.objects.filter(calls=OuterRef("pk"), anonymised_at__isnull=True)
    calls = DistressCall.objects.filter(cases=case).exclude(Exists(open_case))
    ids = list(calls.values_list("pk", flat=True))
    identity_index.forget_calls(ids)
    return DistressCall.objects.filter(pk__in=ids).update(**CALL_SCRUBBED)


@transaction.atomic
def case_anonymise(
    *,
    case_id: int,
    why: str,
    by: User | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Anonymise one case (see the module docstring). Precondition: the caller decided that
    it may (retention: ``expired_cases``; erasure: ``case_erase`` checked the user).

    The case row is locked, so two runs anonymise it once; a case already anonymised is
    returned unchanged."""
    case = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case_id)
    if case.anonymised_at is not None:
        return case
    now = timezone.now()
    case.anonymised_at = now
    for name in sorted(disclosure.CASE.identity):
        setattr(case, name, "")
    case.version = F("version") + 1  # an editor's page loaded before now cannot save over it
    case._history_user = by  # type: ignore[attr-defined]  # change history
    case.save(
        update_fields=["anonymised_at", *sorted(disclosure.CASE.identity), "version", "updated_at"]
    )
    history.scrub_values(Case.history.filter(id=case.pk), sorted(disclosure.CASE.identity), Case)

    _anonymise_person(case.person, registered_on=timezone.localdate(case.created_at))
    CaseNote.objects.filter(case=case).delete()
    Consent.objects.filter(case=case).update(note="")
    history.scrub_values(Consent.history.filter(case_id=case.pk), ["note"], Consent)
    calls = _anonymise_calls(case)
    for name, scrub in _SCRUBBERS.items():
        logger.debug("Anonymising %s of case %s", name, case.pk)
        scrub(case)

    timeline.record(case=case, kind="case_anonymised", actor=by, data={"why": why})
    audit_record(
        action=AuditAction.CHANGED,
        actor=by,
        target=case,
        request=request,
        detail={"anonymised": why, "reason": reason, "calls": calls},
    )
    case.refresh_from_db()
    return case


def may_erase(user, case: Case) -> bool:
    """Only a coordinator of the organisation that owns the case, which may change it."""
    return (
        has_right(user, Right.ERASE_CASES)
        and user.organization_id == case.owner_organization_id
        and access.user_can(user, case, access.CHANGE)
    )


def case_erase(*, case: Case, by: User, reason: str, request: HttpRequest | None = None) -> Case:
    """The right to erasure: a coordinator of the owner anonymises the case now, saying why.

    404 for a case the user may not see, 403 for anyone else who may see it."""
    access.require(by, case, access.VIEW)
    if not may_erase(by, case):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case is anonymised now.")})
    return case_anonymise(case_id=case.pk, why=ERASURE, by=by, reason=reason, request=request)


# How many cases one run of the daily task anonymises; the rest wait for the next run. One
# case costs a dozen short statements (about 20 ms on the bench machine).
BATCH = 500


def cases_anonymise_expired(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Anonymise the cases past the retention period (the daily task's body). Each case in
    its own transaction, so a failure leaves the others done. Returns how many."""
    done = 0
    for pk in expired_cases(now).order_by("status_changed_at").values_list("pk", flat=True)[:batch]:
        try:
            case_anonymise(case_id=pk, why=RETENTION)
        except Exception:  # one broken case must not stop the others; the next run retries
            logger.exception("Could not anonymise case %s", pk)
            continue
        done += 1
    return done
