"""Small helpers for reading form input that may have been tampered with."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _lazy


def bounded_int(value: Any, *, default: int, lo: int, hi: int) -> int:
    """``value`` as an int within ``lo``..``hi``; ``default`` if it is not a number. For
    hidden counters (a formset's TOTAL_FORMS) that a request may set to anything."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(lo, min(number, hi))


def max_length_of(model: Any, name: str) -> int:
    """The ``max_length`` a model field declares: the one limit of a text field, which the
    pages' plain forms and the API's serializers read instead of repeating a number."""
    limit = model._meta.get_field(name).max_length
    assert limit is not None, f"{model.__name__}.{name} declares no max_length"
    return int(limit)


TAMPERED_VERSION = _lazy(
    "This form is incomplete or was changed outside Homeward: reload the page and enter "
    "your changes again."
)


class VersionField(forms.IntegerField):
    """The hidden version an edit form carries (optimistic locking). Tampered with or
    missing, it gives a message the person can see (see HiddenErrorsMixin) instead of an
    error on a field nobody sees."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": TAMPERED_VERSION,
        "invalid": TAMPERED_VERSION,
        "min_value": TAMPERED_VERSION,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class HiddenErrorsMixin:
    """Errors of hidden fields are shown with the form's own errors (templates show those
    at the top); a hidden field's error is otherwise invisible."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None)
        if not errors:
            return
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if field.widget.is_hidden and name in errors:
                moved = errors.pop(name)
                if NON_FIELD_ERRORS not in errors:
                    errors[NON_FIELD_ERRORS] = self.error_class(  # type: ignore[attr-defined]
                        error_class="nonfield",
                        renderer=self.renderer,  # type: ignore[attr-defined]
                    )
                for message in moved:
                    if message not in errors[NON_FIELD_ERRORS]:
                        errors[NON_FIELD_ERRORS].append(message)


# --- optimistic locking: the signed snapshot and the form re-shown after a conflict ----------

SNAPSHOT_SALT = "homeward.edit-original"
SNAPSHOT_FIELD = "original"
CONFLICT_MESSAGE = _lazy(
    "Someone else saved this while you were editing it, so nothing was saved. Changed "
    "meanwhile: %(fields)s. The form now shows their values, with your own changes kept in "
    "the fields you changed: check it and save again."
)
CLASH_MESSAGE = _lazy(
    "Someone else changed this to “%(now)s” meanwhile. Your value is kept here: save to keep "
    "it, or change it back to theirs."
)


def snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """The values of ``obj`` as an edit form shows them (JSON-able): a foreign key as its id,
    a date as ISO text, a list sorted. Signed into the form, it says later what the editor
    started from; taken again after a conflict, what is there now."""
    snap: dict[str, Any] = {}
    for name in names:
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.is_relation:
            value = getattr(obj, model_field.attname)
        else:
            value = getattr(obj, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = sorted(str(v) for v in value)
        elif not isinstance(value, int | type(None)):  # bool is an int
            value = str(value)
        snap[name] = value
    return snap


def sign_snapshot(values: dict[str, Any]) -> str:
    return signing.dumps(values, salt=SNAPSHOT_SALT)


class VersionedFormMixin:
    """An edit form that carries ``version`` and the signed snapshot (``original``) of what
    the editor saw; each form declares both fields."""

    fields: dict

    def tracked_fields(self) -> list[str]:
        return [f for f in self.fields if f not in ("version", SNAPSHOT_FIELD)]


def read_snapshot(form: forms.BaseForm) -> dict[str, Any]:
    """The signed snapshot a bound form carries; empty if missing or tampered with."""
    raw = form.data.get(form.add_prefix(SNAPSHOT_FIELD), "")
    try:
        values = signing.loads(raw, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return {}
    return values if isinstance(values, dict) else {}


def display_value(form: forms.BaseForm, name: str, value: Any) -> str:
    """A snapshot value in words, through the field's choices where it has them."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(_lazy("yes") if value else _lazy("no"))
    labels: dict[str, str] = {}
    for key, label in getattr(form.fields[name], "choices", None) or []:
        if isinstance(label, list | tuple):  # a group of choices
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(key)] = str(label)
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


@dataclass
class Conflict:
    """The form re-shown after a refused save, and what changed meanwhile (field, was, now)."""

    form: forms.BaseForm
    differences: list[dict[str, str]] = dc_field(default_factory=list)
    clashes: list[str] = dc_field(default_factory=list)


def _python(field: forms.Field, value: Any) -> Any:
    """A snapshot value as the field's initial value, for ``Field.has_changed``."""
    if isinstance(field, forms.ModelChoiceField):
        return value  # an id: has_changed compares it as text
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def _put(data: QueryDict, key: str, field: forms.Field, value: Any) -> None:
    """Write a snapshot value into submitted data, as the browser would have sent it."""
    if isinstance(field, forms.NullBooleanField):
        data[key] = {True: "true", False: "false"}.get(value, "unknown")
    elif isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list):
        data.setlist(key, [str(v) for v in value])
    else:
        data[key] = "" if value is None else str(value)


def reshow_after_conflict(
    submitted: forms.BaseForm,
    *,
    current: dict[str, Any],
    version: int,
    rebuild: Callable[[QueryDict], forms.BaseForm],
    display: Callable[[forms.BaseForm, str, Any], str] = display_value,
) -> Conflict:
    """The form to show after a save was refused because someone else saved first.

    ``submitted`` is the refused form (bound, with the signed snapshot of what the editor
    started from), ``current`` the snapshot of the record now (see ``snapshot``), ``version``
    its version and ``rebuild`` makes the form from data. Each field shows the current value,
    except where this editor changed it: there their value is kept. Where both changed the
    same field differently, the field says what the other person put, so the editor chooses.
    The new form carries the fresh version and snapshot: saving it again keeps both people's
    changes. Without a readable snapshot every field counts as the editor's own."""
    original = read_snapshot(submitted)
    current = {name: value for name, value in current.items() if name in submitted.fields}
    data = cast(QueryDict, submitted.data).copy()
    differences: list[dict[str, str]] = []
    clashes: list[str] = []
    for name, now in current.items():
        field = submitted.fields[name]
        sent = submitted[name].data
        known = name in original
        was = original.get(name)
        if known and was != now:
            differences.append(
                {
                    "field": str(field.label),
                    "was": display(submitted, name, was),
                    "now": display(submitted, name, now),
                }
            )
        if known and not field.has_changed(_python(field, was), sent):
            _put(data, submitted.add_prefix(name), field, now)  # not theirs to keep
        elif (not known or was != now) and field.has_changed(_python(field, now), sent):
            clashes.append(name)
    data[submitted.add_prefix("version")] = str(version)
    data[submitted.add_prefix(SNAPSHOT_FIELD)] = sign_snapshot(current)
    form = rebuild(data)
    form.is_valid()
    named = [d["field"] for d in differences] or [str(current_label(form, n)) for n in clashes]
    form.add_error(None, CONFLICT_MESSAGE % {"fields": ", ".join(named) or "—"})
    for name in clashes:
        if name in form.fields:
            form.add_error(name, CLASH_MESSAGE % {"now": display(submitted, name, current[name])})
    return Conflict(form=form, differences=differences, clashes=clashes)


def current_label(form: forms.BaseForm, name: str) -> str:
    return str(form.fields[name].label or name)
