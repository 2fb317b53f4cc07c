"""The gazetteer: one place for every name, in every script; unknown names get the nearest."""

import pytest

from identification import gazetteer
from identification.models import Place

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_the_region():
    assert Place.objects.filter(kind="country").count() == len(gazetteer.COUNTRIES)
    assert Place.objects.filter(country="KH", kind="province").count() == 25
    assert Place.objects.filter(kind="port").count() >= 9


@pytest.mark.parametrize("name", ["Kantang", "Kantang port", "KANTANG  Port", "กันตัง", "ท่าเรือกันตัง"])
def test_kantang_is_one_place_in_latin_and_thai(name):
    assert gazetteer.resolve(name).code == "port:TH-KANTANG"


@pytest.mark.parametrize(
    "name",
    ["Banteay Meanchey", "Banteay Mean Choay", "Banteay Mean Choăy Province", "បន្ទាយមានជ័យ"],
)
def test_a_province_in_latin_khmer_and_with_or_without_accents(name):
    place = gazetteer.resolve(name)
    assert place.code == "KH-1" and place.kind == "province"


def test_thai_province_names_from_pycountry_translations():
    assert gazetteer.resolve("ตรัง").code == "TH-92"
    assert gazetteer.resolve("Trang Province").code == "TH-92"
    assert gazetteer.resolve("ตรัง").display_name("th") == "ตรัง"


def test_a_port_and_its_province_told_apart():
    assert gazetteer.resolve("Songkhla").code == "TH-90"
    assert gazetteer.resolve("Songkhla port").code == "port:TH-SONGKHLA"
    assert gazetteer.resolve("ท่าเรือสงขลา").code == "port:TH-SONGKHLA"


def test_border_crossings_in_khmer_and_burmese():
    assert gazetteer.resolve("ប៉ោយប៉ែត").code == "border:KH-POIPET"
    assert gazetteer.resolve("Poipet").parent.code == "KH-1"
    assert gazetteer.resolve("မြဝတီ").code == "border:MM-MYAWADDY"


def test_unknown_place_offers_the_nearest_names():
    with pytest.raises(gazetteer.UnknownPlace) as e:
        gazetteer.resolve("Kantong")
    assert "Kantang" in e.value.suggestions
    assert "Kantang" in e.value.message and "Kantong" in e.value.message


def test_nothing_near_says_so():
    with pytest.raises(gazetteer.UnknownPlace) as e:
        gazetteer.resolve("Qwxzzy")
    assert e.value.suggestions == []


def test_load_is_idempotent_and_keeps_ids():
    kantang = gazetteer.resolve("Kantang")
    gazetteer.load()
    assert gazetteer.resolve("กันตัง").pk == kantang.pk


def test_normalise_keeps_thai_and_khmer_vowels():
    assert gazetteer.normalise("กันตัง") == "กันตัง"
    assert gazetteer.normalise("Hồ Chí Minh") == "ho chi minh"


def test_a_flushed_gazetteer_loads_itself_again():
    Place.objects.all().delete()
    assert gazetteer.resolve("Kantang").code == "port:TH-KANTANG"
