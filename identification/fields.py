"""Which parts of identification identify the person: the one declaration.

Identity-level (need ``view_case_identity``, and never in an anonymised export): free-text
evidence notes, interview notes, the interpreter's name, the decision's reason, the exact
vessel or workplace. Everything else — indicator codes and answers, places of the gazetteer,
stages, dates, industries, recruitment methods, debts — is statistics-level.

The page, the API serializers and the PDF section all ask ``redact``/``visible`` here.
(When cases gains its shared permitted-fields module, these sets plug into it.)
"""

from __future__ import annotations

from typing import Any

from cases import access

IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "Interview": frozenset({"notes", "interpreter_name"}),
    "IndicatorAnswer": frozenset({"evidence"}),
    "TraffickingEvent": frozenset({"workplace"}),
    "IdentificationDecision": frozenset({"reason"}),
}


def may_see_identity(perms: frozenset[str] | set[str], *, anonymised: bool = False) -> bool:
    return access.VIEW_IDENTITY in perms and not anonymised


def identity_fields(obj_or_name: Any) -> frozenset[str]:
    name = obj_or_name if isinstance(obj_or_name, str) else type(obj_or_name).__name__
    return IDENTITY_FIELDS.get(name, frozenset())


def visible(obj_or_name: Any, field: str, perms, *, anonymised: bool = False) -> bool:
    return field not in identity_fields(obj_or_name) or may_see_identity(
        perms, anonymised=anonymised
    )


def redact(
    obj_or_name: Any, data: dict[str, Any], perms, *, anonymised: bool = False
) -> dict[str, Any]:
    """``data`` (a dict of one object's fields) without what the reader may not see: the
    identity-level keys are removed, not blanked, so nothing downstream can print them."""
    if may_see_identity(perms, anonymised=anonymised):
        return data
    hidden = identity_fields(obj_or_name)
    return {k: v for k, v in data.items() if k not in hidden}
