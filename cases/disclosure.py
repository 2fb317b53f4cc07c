"""Which fields of a case's records a user may read and write: the one declaration of what is
identity.

Each kind of record that belongs to a case is a **field group** (person, case, call, note,
consent; repatriation registers its plan and step, later apps theirs) that names its
identity fields: names, phones, exact places, document numbers, and free text (which may name
anyone). A user reads and writes them only with ``view_case_identity`` on the case, and nobody
does once the case is anonymised. Every other field of the group is statistics-level: shown to
whoever may see the case.

A ``Disclosure`` answers for one user and one case (or one list row). Pages hand it to
templates (``{% if disclosure.note.body %}``) and build the redacted person from it
(cases/redaction.py); the API serializers strip what it hides (api/serializers/common.py
``DisclosedFieldsMixin``), and the OpenAPI schema says so from the same declaration; the PDF
sections ask it what to print. ``require_write`` is the services' check before a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from partners.roles import CHANGE, VIEW_IDENTITY

from .models import CALL_IDENTITY_FIELDS, CASE_IDENTITY_FIELDS, PERSON_IDENTITY_FIELDS


@dataclass(frozen=True)
class FieldGroup:
    """A kind of record on a case and which of its fields are identity. ``whole_record``:
    writing any field needs view-identity (the form shows the identity it edits)."""

    name: str
    identity: frozenset[str]
    whole_record: bool = False


_GROUPS: dict[str, FieldGroup] = {}


def register(name: str, identity: Iterable[str], *, whole_record: bool = False) -> FieldGroup:
    """Declare a field group. Registering the same name again must declare the same fields
    (an app's module imported twice), never different ones."""
    group = FieldGroup(name, frozenset(identity), whole_record)
    existing = _GROUPS.setdefault(name, group)
    if existing != group:
        raise ValueError(f"Field group {name!r} is already declared differently.")
    return existing


def groups() -> dict[str, FieldGroup]:
    return dict(_GROUPS)


PERSON = register("person", PERSON_IDENTITY_FIELDS, whole_record=True)
CASE = register("case", CASE_IDENTITY_FIELDS)
# The call's summary is what the caller told: free text, identity too.
CALL = register("call", (*CALL_IDENTITY_FIELDS, "summary"))
NOTE = register("note", ("body",))
# A consent note may name who signed (a guardian, an interpreter).
CONSENT = register("consent", ("note",))


class _GroupView:
    """``disclosure.note.body`` in a template: True when the field may be shown."""

    __slots__ = ("_disclosure", "_group")

    def __init__(self, disclosure: Disclosure, group: FieldGroup):
        self._disclosure = disclosure
        self._group = group

    def __getitem__(self, name: str) -> bool:
        return self._disclosure.shows(self._group, name)


@dataclass(frozen=True)
class Disclosure:
    """What one user may see of one case's records."""

    identity: bool
    may_change: bool = field(default=False)

    def hidden(self, group: FieldGroup) -> frozenset[str]:
        return frozenset() if self.identity else group.identity

    def shows(self, group: FieldGroup, name: str) -> bool:
        return self.identity or name not in group.identity

    def strip(self, group: FieldGroup, data: dict[str, Any]) -> dict[str, Any]:
        """Remove the hidden fields from a representation (absent, not null)."""
        for name in self.hidden(group):
            data.pop(name, None)
        return data

    def may_write(self, group: FieldGroup, names: Iterable[str]) -> bool:
        if not self.may_change:
            return False
        names = set(names)
        if group.whole_record and not self.identity:
            return False
        return self.identity or not (names & group.identity)

    def __getitem__(self, name: str) -> _GroupView:
        """Template access by group name: ``disclosure.consent.note``."""
        try:
            return _GroupView(self, _GROUPS[name])
        except KeyError:
            raise KeyError(name) from None


NONE = Disclosure(identity=False)

# Why a field a user sent cannot be changed (the API; pages do not show such a field).
NOT_YOURS = _(
    "Your organisation may not see the person's identity on this case, so it cannot "
    "change these fields."
)


def restrict_form(form: Any, group: FieldGroup, shown: Disclosure) -> None:
    """Drop the form fields ``shown`` hides: not shown, not changeable (a field's initial
    value would otherwise print the identity into the page)."""
    for name in shown.hidden(group):
        form.fields.pop(name, None)


def for_perms(perms: frozenset[str], *, anonymised: bool = False) -> Disclosure:
    """From the permissions a user holds on a case (``access.perms_for``). An anonymised case,
    or a report made anonymised, discloses no identity to anyone."""
    return Disclosure(
        identity=VIEW_IDENTITY in perms and not anonymised, may_change=CHANGE in perms
    )


def for_case(user: Any, case: Any, *, anonymised: bool = False) -> Disclosure:
    from . import access

    return for_perms(
        access.perms_for(user, case), anonymised=anonymised or case.anonymised_at is not None
    )


def for_row(obj: Any) -> Disclosure:
    """A list row annotated with ``can_view_identity`` (``access.cases_visible_to``, or set by
    an API view for a call or a plan)."""
    return Disclosure(identity=bool(getattr(obj, "can_view_identity", False)))


def require_identity_for(user: Any, case: Any, group: FieldGroup, values: dict[str, Any]) -> None:
    """Typing a value into an identity field of ``group`` needs view-identity on the case (the
    page would read it back): 403 (PermissionDenied) otherwise. Empty values pass, so a form
    without those fields can be saved. For new records by whoever may create them (a
    provider's service record, an interview); ``require_write`` for changes to a case's own."""
    typed = {name for name in group.identity if values.get(name)}
    if typed and not for_case(user, case).identity:
        raise PermissionDenied


def require_write(user: Any, case: Any, group: FieldGroup, names: Iterable[str]) -> None:
    """The services' check before a change: 404 if ``user`` may not see the case, 403
    (PermissionDenied) if they may not change it or not these fields of ``group``."""
    from . import access

    access.require(user, case, CHANGE)
    if not for_case(user, case).may_write(group, names):
        raise PermissionDenied
