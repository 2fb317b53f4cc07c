"""The case search use case (cases/usecases.py): one search box that recognises a reference, a
phone or a name; a hint when nothing is found; the API takes every filter the page has, from
the one registry, and finds the same cases."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from api.filters import case_list_parameters
from audit.models import AccessEvent, AuditAction
from cases import list_filters
from cases.models import CaseExploitation
from cases.usecases import case_search
from tests.api.conftest import bearer
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db
URL = reverse("cases:list")


@pytest.fixture
def cases(org, caseworker):
    made = [
        make_case(
            org,
            person=PersonFactory.build(
                given_name="ចន្ថា",
                family_name="ជា",
                given_name_latin="Chantha",
                family_name_latin="Sok",
                phone="+85512999001",
                sex="female",
            ),
            status="active",
            urgency="immediate",
            country_of_exploitation="MY",
            industry="03.11",
            assigned_to=caseworker,
        ),
        make_case(
            org,
            person=PersonFactory.build(given_name_latin="Dara", family_name_latin="Im", sex="male"),
            status="open",
            urgency="routine",
            country_of_exploitation="TH",
        ),
        make_case(org, status="closed", urgency="urgent"),
    ]
    CaseExploitation.objects.create(case=made[0], type="forced_labour")
    CaseExploitation.objects.create(case=made[1], type="sexual_exploitation")
    return made


def page_ids(client, params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(row["case"].pk for row in response.context["rows"])


def api_ids(api, params) -> list[int]:
    response = api.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return sorted(c["id"] for c in response.json()["results"])


# --- one box ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, index, reading",
    [
        ("Chantha", 0, "name"),
        ("ចន្ថា", 0, "name"),
        ("chantha sok", 0, "name"),
        ("012 999 001", 0, "phone"),  # local format, read in the organisation's country (KH)
        ("+855 12 999 001", 0, "phone"),
        ("Dara", 1, "name"),
    ],
)
def test_one_box_recognises_name_phone_and_script(client, caseworker, cases, text, index, reading):
    client.force_login(caseworker)
    assert page_ids(client, {"q": text}) == [cases[index].pk]
    result, errors = case_search(caseworker, {"q": text})
    assert errors == {} and result.search_by == reading
    event = AccessEvent.objects.filter(actor=caseworker, action=AuditAction.SEARCHED_IDENTITY)
    assert event.latest("pk").detail["by"] == reading
    # The API reads the same box the same way.
    assert api_ids(bearer(caseworker), {"q": text}) == [cases[index].pk]


def test_one_box_finds_a_reference_or_part_of_it(client, caseworker, cases):
    client.force_login(caseworker)
    assert page_ids(client, {"q": cases[2].reference}) == [cases[2].pk]
    assert page_ids(client, {"q": cases[2].reference.lower()}) == [cases[2].pk]
    number = cases[1].reference.rsplit("-", 1)[1]
    assert page_ids(client, {"q": number}) == [cases[1].pk]


def test_without_identity_role_the_box_is_a_reference(client, org, cases):
    admin = UserFactory(username="orgadmin", organization=org, role="org_admin")
    client.force_login(admin)
    html = client.get(URL, {"q": "Chantha"}).content.decode()
    assert "No cases to show" in html
    assert "No case reference contains this text" in html
    assert not AccessEvent.objects.filter(actor=admin, action=AuditAction.SEARCHED_IDENTITY)
    # An explicit name search is still refused, as before.
    result, _errors = case_search(admin, {"q": "Chantha", "by": "name"})
    assert result.forbidden and not result.cases.exists()


def test_partner_without_identity_grant_finds_no_name(client, other_caseworker, cases):
    from cases import access

    access.grant(cases[0], other_caseworker.organization, [access.VIEW])
    client.force_login(other_caseworker)
    assert page_ids(client, {"q": "Chantha"}) == []
    assert page_ids(client, {"q": cases[0].reference}) == [cases[0].pk]


def test_a_search_that_finds_nothing_says_what_to_try(client, caseworker, cases):
    client.force_login(caseworker)
    html = client.get(URL, {"q": "Nobody"}).content.decode()
    assert "No cases to show" in html
    assert "try the name in another script" in html
    html = client.get(URL, {"q": "+66 81 234 5678"}).content.decode()
    assert "No case has this phone number" in html
    # No search, no filter: an empty list needs no hint.
    newcomer = UserFactory(username="newcw", organization=OrganizationFactory(code="empty"))
    client.force_login(newcomer)
    html = client.get(URL).content.decode()
    assert "search-hint" not in html


# --- the registry drives the API ----------------------------------------------------------------


def _candidates(field: forms.Field) -> list:
    if isinstance(field, forms.ChoiceField):
        values: list = []
        for key, text in list(field.choices):  # type: ignore[arg-type]
            if isinstance(text, (list, tuple)):
                values.extend(k for k, _t in text)
            elif key != "":
                values.append(key)
        return values
    if isinstance(field, forms.DateField):
        return [date(2000, 1, 1).isoformat(), timezone.localdate().isoformat()]
    if isinstance(field, forms.BooleanField):
        return ["on"]
    return []


@pytest.mark.parametrize("name", list_filters.CASES.names())
def test_api_accepts_each_registry_filter_with_the_page_results(client, caseworker, cases, name):
    """Every filter of the case list (whichever app registered it) is an API parameter, and
    the API answers the same cases as the page for the same value."""
    client.force_login(caseworker)
    api = bearer(caseworker)
    field = list_filters.CASES.form(None).fields[name]
    candidates = _candidates(field)
    assert candidates, f"no value to try for {name}"
    everything = page_ids(client, {})
    assert len(everything) == 3
    for value in candidates[:12]:
        on_page = page_ids(client, {name: value})
        assert api_ids(api, {name: value}) == on_page, (name, value)
        assert set(on_page) <= set(everything)


def test_every_registry_filter_is_in_the_openapi_description(client):
    names = {p["name"] for p in case_list_parameters()}
    assert set(list_filters.CASES.names()) <= names
    assert {"q", "by", "mine", "group", "sort"} <= names
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    listed = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert set(list_filters.CASES.names()) <= listed
    status = next(p for p in case_list_parameters() if p["name"] == "status")
    assert status["schema"]["type"] == "array" and "open" in status["schema"]["items"]["enum"]


def test_api_takes_several_statuses_like_the_page(client, caseworker, cases):
    client.force_login(caseworker)
    params = {"status": ["open", "active"]}
    assert page_ids(client, params) == sorted([cases[0].pk, cases[1].pk])
    assert api_ids(bearer(caseworker), params) == sorted([cases[0].pk, cases[1].pk])
