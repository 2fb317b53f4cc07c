"""Country names in the reader's language.

django-countries translates country names for Vietnamese and Chinese, but has no names in
Khmer, Lao, Burmese or Thai (only a ``th_TH`` catalogue, which Django's ``th`` never loads).
For those languages the names come from ICU's CLDR data (PyICU). ``install()`` (called once
from ``cases.apps``) makes django-countries' shared ``countries`` object — behind every
``CountryField``, its form choices, ``Country.name`` in templates and the PDF summary — name
countries this way, so no caller has to change."""

from __future__ import annotations

from functools import lru_cache

import django_countries
from django.utils import translation
from django_countries import Countries, CountryTuple

# Django language codes whose country names come from ICU.
ICU_LANGUAGES = frozenset({"km", "lo", "my", "th"})


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    import icu

    return frozenset(icu.Locale.getISOCountries())


@lru_cache(maxsize=2048)
def icu_name(code: str, language: str) -> str:
    """The country's name in ``language`` (a Django language code) from ICU, or "" if ICU
    does not know the code."""
    import icu

    code = code.upper()
    if code not in _iso_codes():
        return ""
    locale = icu.Locale(translation.to_locale(language))
    name = icu.Locale("und_" + code).getDisplayCountry(locale)
    return "" if name in ("", code) else name


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (default: the active language)."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        return django_countries.countries.name(code)


class LocalisedCountries(Countries):
    """django-countries' ``Countries`` with ICU names for the languages it lacks."""

    def translate_pair(self, code, name=None):
        language = translation.get_language() or ""
        if language in ICU_LANGUAGES:
            localised = icu_name(code, language)
            if localised:
                return CountryTuple(code, localised)
        return super().translate_pair(code, name)


def install() -> None:
    """Switch the shared ``django_countries.countries`` to ICU names (idempotent)."""
    shared = django_countries.countries
    if not isinstance(shared, LocalisedCountries):
        shared.__class__ = LocalisedCountries
    if hasattr(shared, "_iter_cache"):
        del shared._iter_cache  # choices sorted before the switch
