"""The case list's query parameters, described from the one declaration of them.

The filters are ``cases.list_filters.CASES`` (apps add theirs in ``ready()``), the search and
sort are ``cases.forms.CaseListForm``; both are read here, when the schema is generated, so
a filter registered by any app is an API parameter with its OpenAPI description at once. The
filtering itself is done by ``cases.usecases.case_search``, as for the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework.filters import BaseFilterBackend

SEARCH_DESCRIPTIONS = {
    "q": "Search text: a case reference (or any part of it), a phone number, or a name in any "
    "script. Names and phones only for roles with view identity, among cases whose identity "
    "the caller's organisation may see.",
    "by": "Force one reading of q: reference, name or phone (default: recognised from q).",
    "mine": "Only cases assigned to me.",
    "group": "Only the cases of one call group (its id).",
    "sort": "Order of the list.",
}


def _choices(field: forms.Field) -> list[str]:
    values: list[str] = []
    for key, text in getattr(field, "choices", []):
        if isinstance(text, (list, tuple)):
            values.extend(str(k) for k, _t in text if str(k))
        elif str(key):
            values.append(str(key))
    return values


def field_schema(field: forms.Field) -> dict[str, Any]:
    """The OpenAPI schema of one form field's value."""
    if isinstance(field, forms.MultipleChoiceField):
        return {"type": "array", "items": {"type": "string", "enum": _choices(field)}}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": _choices(field)}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.IntegerField):
        return {"type": "integer"}
    return {"type": "string"}


def _parameter(name: str, field: forms.Field, description: str) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": field_schema(field),
    }
    if isinstance(field, forms.MultipleChoiceField):
        # status=open&status=active: the case matches any of them.
        param.update(style="form", explode=True)
    return param


def case_list_parameters() -> list[dict[str, Any]]:
    from cases import list_filters
    from cases.forms import CaseListForm

    form = CaseListForm()
    params = [
        _parameter(name, form.fields[name], description)
        for name, description in SEARCH_DESCRIPTIONS.items()
    ]
    filters = list_filters.CASES.form(None)
    for f in filters.filters:
        field = filters.fields[f.name]
        description = str(f.label)
        if isinstance(field, forms.MultipleChoiceField):
            description += " (repeat the parameter for several values: any of them matches)"
        params.append(_parameter(f.name, field, description))
    return params


class CaseSearchParameters(BaseFilterBackend):
    """Describes the case list's parameters; ``case_search`` applies them."""

    def filter_queryset(self, request, queryset, view):
        return queryset

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return case_list_parameters()
