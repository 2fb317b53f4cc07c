"""Small helpers for reading form input that may have been tampered with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
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
