"""Burmese text typed in the legacy Zawgyi encoding.

Many phones in Myanmar still type Zawgyi, which looks like Burmese in a Zawgyi font but is
garbage in Unicode (and breaks search and sorting). Input is checked with Google's
myanmartools detector; text that is probably Zawgyi is converted with ICU's "Zawgyi-my"
transliterator and offered to the user to confirm — never silently changed."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

THRESHOLD = 0.95
MYANMAR_BLOCK = range(0x1000, 0x10A0)


@lru_cache(maxsize=1)
def _detector():
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


@lru_cache(maxsize=1)
def _transliterator():
    import icu

    return icu.Transliterator.createInstance("Zawgyi-my")


def has_myanmar(text: str) -> bool:
    return any(ord(ch) in MYANMAR_BLOCK for ch in text)


def is_zawgyi(text: str) -> bool:
    """True when ``text`` contains Burmese that is probably Zawgyi-encoded."""
    if not text or not has_myanmar(text):
        return False
    return _detector().get_zawgyi_probability(text) >= THRESHOLD


def to_unicode(text: str) -> str:
    return _transliterator().transliterate(text)


KEEP = "keep_as_typed"
TYPED = "zawgyi_typed"


class ZawgyiCheckMixin(forms.BaseForm):
    """For every form where Burmese may be typed (names, places, notes, messages): if a text
    field looks like Zawgyi, the form is shown again with the field converted to Unicode and
    a message asking the user to check it and save again, or to tick "keep as typed", which
    restores the text exactly as it was typed. Place it first among the form's bases and
    include ``partials/zawgyi.html`` with ``form=...`` in the form's template.

    The choice and the typed text travel as plain inputs (``<prefix>-keep_as_typed``,
    ``<prefix>-zawgyi_typed``), not as form fields, so they never reach ``changes()``,
    snapshots or field loops."""

    zawgyi_found: list[str]
    zawgyi_typed: dict[str, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zawgyi_found = []
        self.zawgyi_typed = {}

    @property
    def keep_as_typed_name(self) -> str:
        return self.add_prefix(KEEP)

    @property
    def zawgyi_typed_name(self) -> str:
        return self.add_prefix(TYPED)

    @property
    def zawgyi_typed_json(self) -> str:
        return json.dumps(self.zawgyi_typed, ensure_ascii=False)

    @property
    def zawgyi_fields(self) -> list[dict[str, str]]:
        """For the notice: each converted field's label, the text as typed and as converted."""
        return [
            {
                "label": str(self.fields[name].label or name),
                "typed": self.zawgyi_typed.get(name, ""),
                "converted": to_unicode(self.zawgyi_typed.get(name, "")),
            }
            for name in self.zawgyi_found
        ]

    def _previously_typed(self) -> dict[str, str]:
        try:
            typed = json.loads(self.data.get(self.zawgyi_typed_name) or "{}")
        except (TypeError, ValueError):
            return {}
        if not isinstance(typed, dict):
            return {}
        return {str(k): v for k, v in typed.items() if isinstance(v, str)}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or self.cleaned_data
        if self.data.get(self.keep_as_typed_name) in ("on", "1", "true", "True"):
            # The user keeps the original: fields still showing our conversion go back to
            # exactly what was typed; fields the user edited since keep their new text.
            for name, typed in self._previously_typed().items():
                converted = to_unicode(typed)
                if name in cleaned and cleaned[name] in (converted, converted.strip()):
                    cleaned[name] = typed
            return cleaned
        data = None
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and is_zawgyi(value):
                if data is None:
                    data = self.data.copy()  # type: ignore[attr-defined]  # QueryDict or dict
                # Show the converted text in the field so the user can check and save.
                data[self.add_prefix(name)] = to_unicode(value)
                self.zawgyi_typed[name] = value
                self.zawgyi_found.append(name)
                self.add_error(
                    name,
                    _(
                        "This text looks like Burmese typed in the Zawgyi encoding. We "
                        "converted it to Unicode: please check it and save again, or tick "
                        "“Keep my Burmese text exactly as typed”."
                    ),
                )
        if data is not None:
            data[self.zawgyi_typed_name] = self.zawgyi_typed_json
            self.data = data
        return cleaned
