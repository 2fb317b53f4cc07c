"""Country names in the reader's language: ICU names for Khmer, Lao, Burmese and Thai (which
django-countries lacks), django-countries' own for the others, in forms, pages and PDFs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django_countries.fields import Country

from cases import list_filters
from cases.forms import PersonIntakeForm
from config.countries import country_name, icu_name

CAMBODIA = {"km": "កម្ពុជា", "lo": "ກຳປູເຈຍ", "my": "ကမ္ဘောဒီးယား", "th": "กัมพูชา"}


@pytest.mark.parametrize("lang", list(CAMBODIA))
def test_icu_names_for_the_languages_django_countries_lacks(lang):
    assert icu_name("KH", lang) == CAMBODIA[lang]
    assert country_name("KH", lang) == CAMBODIA[lang]
    with translation.override(lang):
        assert Country("KH").name == CAMBODIA[lang]  # what templates and the PDF print


def test_other_languages_keep_django_countries_names():
    assert country_name("KH", "en") == "Cambodia"
    assert country_name("KH", "vi") == "Campuchia"
    assert country_name("KH", "zh-hans") == "柬埔寨"
    assert icu_name("ZZ", "km") == ""  # unknown to ICU: django-countries' name is used


@pytest.mark.parametrize("lang", list(CAMBODIA))
def test_form_choices_are_named_and_sorted_in_the_language(lang):
    with translation.override(lang):
        html = str(PersonIntakeForm(region="KH")["nationality"])
        choices = dict(list_filters.CASES.form(None).fields["country"].choices)
    assert f'<option value="KH">{CAMBODIA[lang]}</option>' in html
    assert choices["KH"] == CAMBODIA[lang]
    assert ">Cambodia<" not in html


@pytest.mark.django_db
def test_case_page_shows_countries_in_the_readers_language(client, caseworker, org):
    from tests.factories import make_case

    case = make_case(org, by=caseworker, country_of_origin="KH", country_of_exploitation="TH")
    caseworker.preferred_language = "th"
    caseworker.save()
    client.force_login(caseworker)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert CAMBODIA["th"] in html and "ไทย" in html
    assert ">Cambodia<" not in html and "Thailand" not in html
