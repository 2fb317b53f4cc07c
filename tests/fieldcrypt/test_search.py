"""Search over encrypted identity (cases.identity_index): names in every script, partial and
fuzzy, phones in any format, document numbers, and the intake duplicate check."""

import pytest

from cases import identity_index, selectors
from cases.models import Case, DistressCall
from cases.selectors import CaseFilters
from tests.factories import PersonFactory, make_case

pytestmark = pytest.mark.django_db

ZAWGYI_AUNG = "ေအာင္"  # "အောင်" typed in Zawgyi

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")
PEOPLE = {
    "km": ("សុខា", "ចាន់", "Sokha", "Chan"),
    "th": ("สมชาย", "ใจดี", "Somchai", "Jaidee"),
    "lo": ("ບຸນມີ", "ແກ້ວ", "Bounmy", "Keo"),
    "my": ("အောင်", "ကျော်", "Aung", "Kyaw"),
    "vi": ("Thị Hồng", "Nguyễn", "", ""),
    "zh": ("小明", "王", "Xiaoming", "Wang"),
    "other": ("", "", "Sophea", "Chann"),
}


@pytest.fixture
def people(org, caseworker):
    cases = {}
    for key, names in PEOPLE.items():
        person = PersonFactory.build(
            phone="", document_number="", **dict(zip(NAME_FIELDS, names, strict=True))
        )
        cases[key] = make_case(org, by=caseworker, person=person)
    return cases


def _names(caseworker, text, by="name"):
    qs = selectors.case_list(caseworker, filters=CaseFilters(q=text, search_by=by))
    return {c.pk for c in qs}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Sokha Chan", {"km"}),  # full name (Latin)
        ("sokha", {"km"}),  # one word, any case
        ("okh", {"km"}),  # partial
        ("chan", {"km", "other"}),  # a substring of Chann too
        ("សុខា", {"km"}),  # native script, Khmer
        ("ចាន់ សុខា", {"km"}),  # either order
        ("สมชาย", {"th"}),
        ("ใจ", {"th"}),  # partial Thai
        ("ບຸນມີ", {"lo"}),
        ("အောင်", {"my"}),
        (ZAWGYI_AUNG, {"my"}),  # Zawgyi-typed query finds the Unicode name
        ("Nguyễn Thị Hồng", {"vi"}),
        ("nguyen thi hong", {"vi"}),  # without diacritics
        ("Hong", {"vi"}),
        ("王小明", set()),  # family name and given name are separate fields: not one word
        ("小明", {"zh"}),
        ("王", {"zh"}),  # one character: names starting with it
        ("Wang Xiaoming", {"zh"}),
        ("Nobody", set()),
    ],
)
def test_name_search_on_encrypted_names(people, caseworker, query, expected):
    assert _names(caseworker, query) == {people[k].pk for k in expected}


def test_zawgyi_stored_name_is_found_by_unicode_query(org, caseworker):
    case = make_case(org, by=caseworker, person=PersonFactory.build(given_name=ZAWGYI_AUNG))
    assert case.pk in _names(caseworker, "အောင်")


def _other(**fields):
    names = dict(zip(NAME_FIELDS, ("", "", "Rith", "Meas"), strict=True))
    return PersonFactory.build(**{**names, **fields})


@pytest.fixture
def phoned(org, caseworker):
    person_case = make_case(org, by=caseworker, person=_other(phone="+85512345678"))
    call_case = make_case(org, by=caseworker, person=_other(phone=""))
    call = DistressCall.objects.create(
        organization=org,
        channel="phone",
        caller_relation="family",
        caller_phone="+66812223333",
        summary="s",
        urgency="urgent",
    )
    call.cases.add(call_case)
    return person_case, call_case


@pytest.mark.parametrize(
    "query, which",
    [
        ("+85512345678", 0),
        ("+855 12 345 678", 0),
        ("012 345 678", 0),  # national format with trunk zero
        ("12-345-678", 0),
        ("0085512345678", 0),  # international prefix
        ("85512345678", 0),
        ("+66 81 222 3333", 1),  # a caller's phone finds the case of the call
        ("081-222-3333", 1),
    ],
)
def test_phone_search_in_many_formats(phoned, caseworker, query, which):
    assert _names(caseworker, query, by="phone") == {phoned[which].pk}


def test_phone_search_finds_nothing_for_other_numbers(phoned, caseworker):
    assert _names(caseworker, "+85599999999", by="phone") == set()
    assert _names(caseworker, "abc", by="phone") == set()


def test_document_number_search(org, caseworker):
    case = make_case(org, by=caseworker, person=PersonFactory.build(document_number="N 0123-45"))
    make_case(org, by=caseworker, person=PersonFactory.build(document_number="N012346"))
    found = Case.objects.filter(identity_index.identity_search_q("n012345", "document"))
    assert list(found) == [case]


def test_search_stays_within_identity_visibility(people, other_caseworker):
    assert _names(other_caseworker, "Sokha") == set()


def test_duplicate_check_on_encrypted_data(people, caseworker, phoned):
    def dups(names=(), phones=()):
        found = selectors.possible_duplicates(caseworker, phones=list(phones), names=list(names))
        return {c.pk for c in found}

    assert dups(names=["Sokha Chan"]) == {people["km"].pk}
    assert dups(names=["Sokah Chan"]) == {people["km"].pk}  # a typo still warns
    assert dups(names=["សុខា ចាន់"]) == {people["km"].pk}
    assert dups(names=["Nguyen Thi Hong"]) == {people["vi"].pk}
    assert dups(names=["Sophea Chann"]) == {people["other"].pk}  # not Sokha Chan
    assert dups(names=["Somchai Jaidee"]) == {people["th"].pk}
    assert dups(names=["Completely Different"]) == set()
    assert dups(phones=["+66812223333"]) == {phoned[1].pk}
    assert dups(phones=["+85512345678"]) == {phoned[0].pk}


def test_index_follows_edits_and_deletion(people, caseworker):
    case = people["km"]
    person = case.person
    person.given_name_latin = "Dara"
    person.save()
    assert _names(caseworker, "Sokha") == set()
    assert _names(caseworker, "Dara") == {case.pk}
