"""The change history of a case: every saved version of the case, its person, its consents,
and — registered by their apps — its referrals and repatriation steps (django-simple-history).

Sources register here like case page panels, so cases imports no app that depends on it:

    history.register(history.Source(name="referral", model=Referral, records=..., ...))

``entries_for`` turns the historical rows into readable entries: who, when, what was created,
changed or deleted, each changed field with its old and new value shown as the reader reads
it (labels of choices, organisation and user names, dates in the reader's format). Values of
identity fields are only given to readers holding view identity on the case; others read
that the field changed, without values. The caller has checked that the user may see the
case (cases.access.case_for).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from partners.models import Organization, User

from . import disclosure
from .models import Case, Consent, Person
from .vocab import MeansOfControl, SexExploitationType

RecordsFor = Callable[[Any, Case], QuerySet]


@dataclass(frozen=True)
class Source:
    """One kind of record whose history is shown on the case page.

    ``records(user, case)`` returns the historical rows of every object of this kind that
    belongs to the case and that the user may see; ``fields`` are the fields shown, in order;
    ``identity`` those whose values need view identity; ``vocab`` maps a list-valued field to
    the labels of its codes; ``label(record)`` names the object ("Consent: Repatriation")."""

    name: str
    model: type[models.Model]
    records: RecordsFor
    fields: tuple[str, ...]
    label: Callable[[Any], str]
    identity: frozenset[str] = frozenset()
    vocab: dict[str, dict[str, Any]] = field(default_factory=dict)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.name] = source


def sources() -> list[Source]:
    return list(_SOURCES.values())


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str | None
    new: str | None
    # True when the reader may not see the values: the page says "changed", nothing more.
    hidden: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user: User | None
    kind: str  # created | earliest | changed | deleted
    what: str
    changes: tuple[Change, ...]

    @property
    def title(self) -> str:
        """One sentence per kind, so that each language orders the words its own way."""
        return str(KIND_SENTENCES[self.kind]) % {"what": self.what}


KIND_SENTENCES = {
    "created": _("%(what)s: created"),
    "earliest": _("%(what)s: earliest version recorded"),
    "changed": _("%(what)s: changed"),
    "deleted": _("%(what)s: deleted"),
}
_KIND = {"+": "created", "~": "changed", "-": "deleted"}
EMPTY = "—"


def _field(model: type[models.Model], name: str) -> models.Field:
    return cast(models.Field, model._meta.get_field(name))


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _raw(record: Any, model_field: models.Field) -> Any:
    value = getattr(record, model_field.attname)
    code = getattr(value, "code", None)  # django-countries: compare codes, not objects
    if code is not None:
        return code
    if model_field.get_internal_type() == "CharField" and value is not None:
        return str(value)  # phone numbers compare as their text
    return value


class _Formatter:
    """Formats values for the reader; resolves user and organisation ids in one query each."""

    def __init__(self, user_ids: set[int], org_ids: set[int]):
        self.users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
        self.orgs = (
            dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
            if org_ids
            else {}
        )

    def __call__(self, source: Source, model_field: models.Field, value: Any) -> str:
        if _is_empty(value):
            return EMPTY
        if model_field.is_relation:
            related = model_field.related_model
            if related is User or (isinstance(related, type) and issubclass(related, User)):
                user = self.users.get(value)
                return (user.get_full_name() or user.username) if user else EMPTY
            if related is Organization:
                return self.orgs.get(value, EMPTY)
            return str(value)
        if isinstance(model_field, CountryField):
            return str(countries.name(value) or value)
        if isinstance(value, list):
            labels = source.vocab.get(model_field.name, {})
            return ", ".join(str(labels.get(v, v)) for v in value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime):
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return formats.date_format(value, "DATE_FORMAT")
        return str(value)


def _diffs(source: Source, rows: list[Any]) -> list[tuple[Any, str, list[tuple[str, Any, Any]]]]:
    """(record, kind, [(field, old raw, new raw)]) per historical row, oldest first."""
    fields = [_field(source.model, name) for name in source.fields]
    previous: dict[Any, Any] = {}
    out = []
    for record in rows:
        kind = _KIND.get(record.history_type, "changed")
        before = previous.get(record.id)
        changes = []
        for f in fields:
            new = _raw(record, f)
            old = _raw(before, f) if before is not None else None
            if kind == "deleted":
                continue
            if before is None:
                if not _is_empty(new):
                    changes.append((f.name, None, new))
            elif old != new:
                changes.append((f.name, old, new))
        previous[record.id] = record
        if kind == "changed" and before is None:
            # Rows loaded without history (the benchmark's COPY, data from before history
            # was kept): the earliest version known, old values unknown.
            kind = "earliest"
        if kind == "changed" and not changes:
            continue  # a save that changed nothing shown (bookkeeping only)
        out.append((record, kind, changes))
    return out


def entries_for(
    user: Any, case: Case, perms: frozenset[str], *, limit: int | None = None
) -> list[HistoryEntry]:
    """The case's history as the user may read it, newest first.

    Precondition: the user may see the case (cases.access has run). One query per source,
    plus one for the users and one for the organisations named in the values."""
    can_view_identity = disclosure.for_perms(perms).identity
    collected = []
    user_ids: set[int] = set()
    org_ids: set[int] = set()
    for source in _SOURCES.values():
        rows = list(
            source.records(user, case)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        for record, kind, changes in _diffs(source, rows):
            collected.append((source, record, kind, changes))
            for name, old, new in changes:
                f = _field(source.model, name)
                if not f.is_relation:
                    continue
                ids = {v for v in (old, new) if v is not None}
                if f.related_model is Organization:
                    org_ids |= ids
                else:
                    user_ids |= ids
    fmt = _Formatter(user_ids, org_ids)
    entries = []
    for source, record, kind, changes in collected:
        shown = []
        for name, old, new in changes:
            f = _field(source.model, name)
            label = str(f.verbose_name)
            if name in source.identity and not can_view_identity:
                shown.append(Change(name, label, None, None, hidden=True))
            else:
                shown.append(
                    Change(
                        name,
                        label,
                        None if kind in ("created", "earliest") else fmt(source, f, old),
                        fmt(source, f, new),
                    )
                )
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                kind=kind,
                what=source.label(record),
                changes=tuple(shown),
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit] if limit else entries


# --- the sources of this app ----------------------------------------------------------------

CASE_HISTORY_FIELDS = (
    "status",
    "urgency",
    "trafficking_status",
    "trafficking_status_decided_by",
    "trafficking_status_decided_by_org",
    "trafficking_status_decider_kind",
    "trafficking_status_decided_at",
    "industry",
    "means_of_control",
    "sex_exploitation_types",
    "exploitation_started_on",
    "exploitation_ended_on",
    "recruiter_relation",
    "country_of_origin",
    "country_of_exploitation",
    "current_country",
    "current_place",
    "assigned_to",
    "anonymised_at",
)
PERSON_HISTORY_FIELDS = (
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
CONSENT_HISTORY_FIELDS = (
    "purpose",
    "granted",
    "method",
    "given_at",
    "note",
    "withdrawn_at",
    "withdrawn_by",
)


def _consent_label(record: Any) -> str:
    purpose = dict(Consent._meta.get_field("purpose").flatchoices).get(record.purpose)
    return f"{_('Consent')}: {purpose or record.purpose}"


def register_core_sources() -> None:
    register(
        Source(
            name="case",
            model=Case,
            records=lambda user, case: Case.history.filter(id=case.pk),
            fields=CASE_HISTORY_FIELDS,
            identity=disclosure.CASE.identity,
            vocab={
                "means_of_control": dict(MeansOfControl.choices),
                "sex_exploitation_types": dict(SexExploitationType.choices),
            },
            label=lambda record: str(_("Case")),
        )
    )
    register(
        Source(
            name="person",
            model=Person,
            records=lambda user, case: Person.history.filter(id=case.person_id),
            fields=PERSON_HISTORY_FIELDS,
            identity=disclosure.PERSON.identity,
            label=lambda record: str(_("Person")),
        )
    )
    register(
        Source(
            name="consent",
            model=Consent,
            records=lambda user, case: Consent.history.filter(case_id=case.pk),
            fields=CONSENT_HISTORY_FIELDS,
            identity=disclosure.CONSENT.identity,
            label=_consent_label,
        )
    )


def history_panel(request: Any, case: Case, perms: frozenset[str]) -> dict[str, Any]:
    """The case page's history section: a link to the history page (no query here, so the
    case page's query count does not grow with the history)."""
    return {"case": case}


def scrub_values(rows: QuerySet, fields: Iterable[str], model: type[models.Model]) -> int:
    """Blank ``fields`` on historical rows (retention): text fields become empty, nullable
    fields null. Returns the number of rows touched."""
    values: dict[str, Any] = {}
    for name in fields:
        f = model._meta.get_field(name)
        values[name] = None if f.null else ""
    return rows.update(**values) if values else 0
