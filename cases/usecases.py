"""Use cases of cases: what a page and the API both do, below HTTP.

A view parses the request, calls the use case, and renders what it answers (HTML or JSON);
the rules — who may search identity, how a phone is read, what is audited, which filters
exist, what a call must name — live here once.

    result, errors = case_search(user, request.GET, request=request, via="web")

``errors`` maps a parameter to its messages (a filter's bad value, a phone that is not a
number); ``result.forbidden`` is set when the user's role may not do the search at all.

    intake = intake_check(call_form, person_forms, formset=formset)  # None: see the forms
    call, cases = intake_log(user, intake)

    form = case_form_for_update(case, user=user, sent=data)  # the API's partial update
    case = case_update_from_form(case=case, by=user, form=form)  # the page and the API
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseFormSet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record
from config.formtools import snapshot
from partners.models import User

from . import access, list_filters, selectors, services
from .forms import CaseForm, CaseListForm, DistressCallForm, PersonIntakeForm
from .models import Case, DistressCall

# How the search text is read: without ``by`` (one box), a phone number if it is one, else a
# reference or a name. ``by=reference|name|phone`` stays for links and API clients that send it.
# A phone number is typed with digits and these; at least six digits.
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass
class CaseSearch:
    """What the case list shows for one query."""

    cases: QuerySet[Case]
    # The same query without the status filter: the counts per status say where else to look.
    without_status: QuerySet[Case]
    filter_form: list_filters.FilterForm
    q: str = ""
    # How the text was read: "reference", "name" (a reference or a name), "phone" or "".
    search_by: str = ""
    mine: bool = False
    group: int | None = None
    sort: str = "updated"
    forbidden: str = ""
    statuses: list[str] = field(default_factory=list)

    @property
    def filtering(self) -> bool:
        return bool(self.filter_form.active() or self.mine or self.group)

    def empty_hint(self) -> str:
        """What to try when the search found nothing (empty when there was no search)."""
        if not self.q:
            if not self.filtering:
                return ""
            return _("No case matches these filters. Clear a filter to see more cases.")
        if self.search_by == "phone":
            return _(
                "No case has this phone number, as the person's or a caller's. Check the "
                "number, or search by the person's name or the case reference."
            )
        if self.search_by == "name":
            return _(
                "No case has this reference or name. Check the spelling, try the name in "
                "another script or in Latin letters, or search by phone number."
            )
        return _(
            "No case reference contains this text. A reference looks like "
            "KH-PPCARE-2026-00042; any part of it is enough."
        )


def _region(user: Any) -> str | None:
    org = getattr(user, "organization", None)
    return str(org.country) if org else None


def parse_phone(text: str, user: Any) -> str | None:
    """The number in E.164, read in the user's organisation's country; None if it is not one."""
    try:
        number = phonenumbers.parse(text, _region(user))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _looks_like_phone(text: str) -> bool:
    return bool(_PHONE_CHARS.match(text)) and sum(c.isdigit() for c in text) >= 6


def _as_querydict(params: Mapping[str, Any] | QueryDict | None) -> QueryDict:
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        if isinstance(value, (list, tuple)):
            query.setlist(key, [str(v) for v in value])
        elif value is not None:
            query[key] = str(value)
    return query


def case_search(
    user: access.AnyUser,
    params: Mapping[str, Any] | QueryDict | None,
    *,
    request: Any = None,
    via: str = "web",
) -> tuple[CaseSearch, dict[str, list[str]]]:
    """The case list for ``params`` (a query string): search text ``q`` (read as a
    reference, a phone or a name), ``by`` to force one reading, ``mine``, ``group``, ``sort``
    and every filter of ``list_filters.CASES``.

    The role gate: a name or phone search needs a role with view identity and runs only
    among cases whose identity the organisation may see; without it the text is a reference.
    Every identity search is audited (how, never the text). A bad value is returned in
    ``errors`` and its filter is not applied; an unreadable phone finds nothing."""
    query = _as_querydict(params)
    form = CaseListForm(query or None)
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        for name, messages in form.errors.items():
            errors[name] = [str(e) for e in messages]
    filter_form = list_filters.CASES.form(query or None)
    filter_form.is_valid()
    for name, messages in filter_form.errors.items():
        errors.setdefault(name, []).extend(str(e) for e in messages)

    q = (data.get("q") or "").strip()
    by = data.get("by") or "auto"
    identity_allowed = access.may_search_identity(user)
    filters = selectors.CaseFilters(
        q=q,
        search_by="reference",
        mine=bool(data.get("mine")),
        group=data.get("group"),
        sort=data.get("sort") or "updated",
    )
    forbidden = ""
    nothing = False
    if q:
        if by == "auto":
            if not identity_allowed:
                by = "reference"
            elif _looks_like_phone(q) and parse_phone(q, user):
                by = "phone"
            else:
                by = "name"  # a reference or a name
        if by in ("name", "phone") and not identity_allowed:
            forbidden = _(
                "Your role may not search by name or phone. Search by case reference instead."
            )
        elif by == "phone":
            e164 = parse_phone(q, user)
            if e164 is None:
                errors.setdefault("q", []).append(_("This is not a valid phone number."))
                nothing = True
            else:
                filters.search_by, filters.phone_e164 = "phone", e164
        elif by == "name":
            filters.search_by = "name"
        if filters.search_by in ("name", "phone"):
            # The search term itself is identity and stays out of the audit log.
            detail: dict[str, Any] = {"by": filters.search_by}
            if via != "web":
                detail["via"] = via
            audit_record(
                action=AuditAction.SEARCHED_IDENTITY, actor=user, request=request, detail=detail
            )

    if forbidden or nothing:
        base: QuerySet[Case] = Case.objects.none()
    elif filters.search_by == "name" and not data.get("by"):
        # One box: a reference among the cases the user may see, or a name among those whose
        # identity they may see.
        named = selectors.case_list(user, filters=filters).order_by().values("pk")
        visible = replace(filters, search_by="reference", q="")
        base = selectors.case_list(user, filters=visible).filter(
            Q(reference__icontains=q) | Q(pk__in=named)
        )
    else:
        base = selectors.case_list(user, filters=filters)
    result = CaseSearch(
        cases=filter_form.apply(base, user),
        without_status=filter_form.apply(base, user, skip=["status"]),
        filter_form=filter_form,
        q=q,
        search_by=filters.search_by if q else "",
        mine=filters.mine,
        group=filters.group,
        sort=filters.sort,
        forbidden=forbidden,
        statuses=list(filter_form.values().get("status") or []),
    )
    return result, errors


# --- intake -----------------------------------------------------------------------------------

AMBIGUOUS_CALL = gettext_lazy(
    "A call about an existing case names no new persons: clear one or the other."
)
NO_PERSON = gettext_lazy("Name at least one person, or choose an existing case.")
NO_PERSON_CODE = "no_person"


@dataclass
class Intake:
    """A call and the persons it names, checked by ``intake_check``: ready to log."""

    form: DistressCallForm
    persons: list[services.PersonIntake]

    @property
    def existing_case(self) -> Case | None:
        return self.form.existing_case


def intake_check(
    form: DistressCallForm,
    entries: Sequence[PersonIntakeForm | int],
    *,
    formset: BaseFormSet | None = None,
) -> Intake | None:
    """Check a call and the persons it names by the one set of intake rules: the call form
    is valid; a call about an existing case names no one new (asked rather than guessed);
    otherwise every person is valid and there is at least one. An entry is a person's form,
    or the id of a case the person was linked to (the API's ``link_case``); the page passes
    its formset too, whose own limits (one to MAX_PERSONS_PER_CALL) are then checked.

    The errors are put on the forms (the call's on ``form``, each person's on theirs, the
    missing person as ``NO_PERSON`` on the call); None when there was any."""
    call_ok = form.is_valid()
    existing = form.existing_case if call_ok else None
    person_forms = [e for e in entries if not isinstance(e, int)]
    names_someone = len(person_forms) < len(entries) or any(f.has_changed() for f in person_forms)
    if existing is not None:
        if names_someone:
            form.add_error("existing_reference", AMBIGUOUS_CALL)
            return None
        return Intake(form=form, persons=[])
    if formset is not None:
        persons_ok = formset.is_valid()
    else:
        checked = [f.is_valid() for f in person_forms]  # every form, not up to the first error
        persons_ok = all(checked)
    if call_ok and not entries:
        form.add_error(None, ValidationError(NO_PERSON, code=NO_PERSON_CODE))
        return None
    if not (call_ok and persons_ok):
        return None
    persons = []
    for entry in entries:
        if isinstance(entry, int):
            persons.append(services.PersonIntake(link_case_id=entry))
        elif entry.cleaned_data.get("link_case"):  # linked after the duplicate warning
            persons.append(services.PersonIntake(link_case_id=entry.cleaned_data["link_case"]))
        else:
            persons.append(services.PersonIntake(person=entry.save(commit=False)))
    return Intake(form=form, persons=persons)


def intake_log(user: User, intake: Intake) -> tuple[DistressCall, list[Case]]:
    """Log the checked call (``services.distress_call_create``: one transaction, the
    permission and the limits checked again there)."""
    form = intake.form
    return services.distress_call_create(
        by=user,
        call=form.save(commit=False),
        persons=intake.persons,
        existing_case=intake.existing_case,
        exploitation_types=form.cleaned_data.get("exploitation_types"),
        case_fields=form.case_fields(),
    )


# --- case update ----------------------------------------------------------------------------


def case_form_for_update(case: Case, *, user: User, sent: Mapping[str, Any]) -> CaseForm:
    """The case page's form for a partial update (the API's PATCH): bound to the case's
    current values with what was sent over them, so the same fields, rules and messages
    apply. A field that is not in this user's form (the assignee without the assign right,
    the current place without view-identity) cannot be changed by them: sending it is
    refused (403), as the service would."""
    perms = access.perms_for(user, case)
    blank = CaseForm(instance=case, user=user, perms=perms)
    if set(sent) - set(blank.fields):
        raise PermissionDenied
    return CaseForm(
        {**snapshot(case, blank.tracked_fields()), **sent}, instance=case, user=user, perms=perms
    )


def case_update_from_form(*, case: Case, by: User, form: CaseForm) -> Case:
    """Save a valid case form (page or API) through the service; StaleCase when the version
    the editor read is not the case's any more."""
    data = form.cleaned_data
    return services.case_update(
        case=case,
        by=by,
        version=data["version"],
        changes=form.changes(),
        exploitation_types=data["exploitation_types"],
    )
