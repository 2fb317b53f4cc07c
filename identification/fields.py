"""Which parts of identification identify the person, declared in cases.disclosure (the one
declaration of what is identity, for the page, the API and the PDF).

Identity-level (need ``view_case_identity``, and never in an anonymised export): free-text
evidence notes, interview notes, the interpreter's name, the decision's reason, the exact
vessel or workplace. Everything else — indicator codes and answers, places of the gazetteer,
stages, dates, industries, recruitment methods, debts — is statistics-level.

The page, the API serializers and the PDF section ask ``redact``/``visible`` here, which
answer through ``cases.disclosure``.
"""

from __future__ import annotations

from typing import Any

from cases import disclosure

# The field groups, by model name.
GROUPS: dict[str, disclosure.FieldGroup] = {
    "Interview": disclosure.register("interview", ("notes", "interpreter_name")),
    "IndicatorAnswer": disclosure.register("answer", ("evidence",)),
    "TraffickingEvent": disclosure.register("event", ("workplace",)),
    "IdentificationDecision": disclosure.register("decision", ("reason",)),
}
IDENTITY_FIELDS: dict[str, frozenset[str]] = {name: g.identity for name, g in GROUPS.items()}


def may_see_identity(perms: frozenset[str] | set[str], *, anonymised: bool = False) -> bool:
    return disclosure.for_perms(frozenset(perms), anonymised=anonymised).identity


def _group(obj_or_name: Any) -> disclosure.FieldGroup | None:
    name = obj_or_name if isinstance(obj_or_name, str) else type(obj_or_name).__name__
    return GROUPS.get(name)


def identity_fields(obj_or_name: Any) -> frozenset[str]:
    group = _group(obj_or_name)
    return group.identity if group else frozenset()


def visible(obj_or_name: Any, field: str, perms, *, anonymised: bool = False) -> bool:
    group = _group(obj_or_name)
    shown = disclosure.for_perms(frozenset(perms), anonymised=anonymised)
    return group is None or shown.shows(group, field)


def redact(
    obj_or_name: Any, data: dict[str, Any], perms, *, anonymised: bool = False
) -> dict[str, Any]:
    """``data`` (a dict of one object's fields) without what the reader may not see: the
    identity-level keys are removed, not blanked, so nothing downstream can print them."""
    group = _group(obj_or_name)
    if group is None:
        return data
    return disclosure.for_perms(frozenset(perms), anonymised=anonymised).strip(group, dict(data))
