"""Codes from the standards: provinces as ISO 3166-2 (the gazetteer of issue 22 stores the same
codes), currencies as ISO 4217, both checked against pycountry's tables."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=64)
def provinces_of(country: str) -> dict[str, str]:
    """ISO 3166-2 code → name of the country's first-level subdivisions."""
    subs = pycountry.subdivisions.get(country_code=country.upper()) or []
    return {s.code: s.name for s in subs if getattr(s, "parent_code", None) is None}


def validate_province(code: str, countries: list[str] | tuple[str, ...] = ()) -> None:
    """A first-level ISO 3166-2 code (``KH-12``) of one of ``countries`` (any, if none)."""
    country = code.split("-", 1)[0]
    if countries and country not in countries:
        raise ValidationError(
            _("%(code)s is not in the countries chosen."), code="province", params={"code": code}
        )
    if code not in provinces_of(country):
        raise ValidationError(
            _("%(code)s is not an ISO 3166-2 province code."),
            code="province",
            params={"code": code},
        )


def province_code(country: str, text: str) -> str:
    """The ISO 3166-2 code for a province typed as a code or as its name ("" if unknown):
    plans store the home province as text until the gazetteer (issue 22) holds codes."""
    text = (text or "").strip()
    if not country or not text:
        return ""
    provinces = provinces_of(str(country))
    if text.upper() in provinces:
        return text.upper()
    folded = text.casefold()
    for code, name in provinces.items():
        if name.casefold() == folded:
            return code
    return ""


def validate_currency(code: str) -> None:
    if not code or len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationError(
            _("Enter a currency as its three-letter ISO 4217 code (KHR, USD, THB)."),
            code="currency",
        )
