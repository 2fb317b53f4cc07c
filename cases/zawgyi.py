"""Burmese text typed in the legacy Zawgyi encoding.

Many phones in Myanmar still type Zawgyi, which looks like Burmese in a Zawgyi font but is
garbage in Unicode (and breaks search and sorting). Input is checked with Google's
myanmartools detector; text that is probably Zawgyi is converted with ICU's "Zawgyi-my"
transliterator and offered to the user to confirm — never silently changed."""

from __future__ import annotations

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


class ZawgyiCheckMixin(forms.Form):
    """For forms with free text or names: if a text field looks like Zawgyi, the form is
    shown again with the field converted to Unicode and a message asking the user to check
    it, or to tick "keep as typed". Place it first among the form's bases."""

    keep_as_typed = forms.BooleanField(
        label=_("Keep my Burmese text exactly as typed (do not convert from Zawgyi)"),
        required=False,
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("keep_as_typed"):
            return cleaned
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and is_zawgyi(value):
                converted = to_unicode(value)
                # Show the converted text in the field so the user can check and save.
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or dict
                data[self.add_prefix(name)] = converted
                self.data = data
                self.add_error(
                    name,
                    _(
                        "This text looks like Burmese typed in the Zawgyi encoding. We "
                        "converted it to Unicode: please check it and save again, or tick "
                        "“Keep my Burmese text exactly as typed”."
                    ),
                )
        self.zawgyi_found = bool(self.errors)
        return cleaned
