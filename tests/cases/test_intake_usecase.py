"""The intake use case (cases.usecases.intake_check / intake_log): the rules of a call exist
once, and the intake page and POST /api/v1/calls/ answer them alike."""

import pytest

from cases.models import Case, DistressCall
from cases.usecases import AMBIGUOUS_CALL, NO_PERSON
from tests.api.conftest import bearer
from tests.cases.conftest import call_data
from tests.factories import make_case

pytestmark = pytest.mark.django_db

PAGE = "/cases/intake/"
API = "/api/v1/calls/"
API_CALL = {
    "channel": "hotline",
    "urgency": "urgent",
    "caller_relation": "family",
    "summary": "He phoned his sister from the port.",
    "exploitation_types": ["forced_labour"],
}
PERSON = {"given_name_latin": "Sokha", "sex": "male", "estimated_age": 31, "nationality": "KH"}


def test_a_call_about_an_existing_case_naming_someone_new_is_asked_on_both_paths(
    client, caseworker, case_in
):
    client.force_login(caseworker)
    page = client.post(PAGE, call_data(existing_reference=case_in.reference))
    assert page.status_code == 422
    assert page.context["form"].errors["existing_reference"] == [str(AMBIGUOUS_CALL)]

    api = bearer(caseworker).post(
        API,
        {**API_CALL, "existing_reference": case_in.reference, "persons": [PERSON]},
        format="json",
    )
    assert api.status_code == 400, api.content
    assert api.json()["error"]["fields"]["existing_reference"] == [str(AMBIGUOUS_CALL)]
    assert not DistressCall.objects.exists() and Case.objects.count() == 1


def test_a_call_about_an_existing_case_with_a_linked_case_is_asked_too(caseworker, case_in, org):
    other = make_case(org, by=caseworker)
    api = bearer(caseworker).post(
        API,
        {
            **API_CALL,
            "existing_reference": case_in.reference,
            "persons": [{**PERSON, "link_case": other.pk}],
        },
        format="json",
    )
    assert api.status_code == 400
    assert "existing_reference" in api.json()["error"]["fields"]
    assert not DistressCall.objects.exists()


def test_no_person_is_refused_under_persons_with_the_use_cases_message(caseworker):
    api = bearer(caseworker).post(API, {**API_CALL, "persons": []}, format="json")
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["persons"] == [str(NO_PERSON)]
    assert not DistressCall.objects.exists()


def test_both_paths_log_the_same_call_through_the_use_case(client, caseworker, case_in):
    api = bearer(caseworker).post(
        API, {**API_CALL, "existing_reference": case_in.reference}, format="json"
    )
    assert api.status_code == 201, api.content
    client.force_login(caseworker)
    page = client.post(PAGE, call_data(persons=[], existing_reference=case_in.reference))
    assert page.status_code == 302
    calls = DistressCall.objects.order_by("pk")
    assert [list(c.cases.all()) for c in calls] == [[case_in], [case_in]]
    assert Case.objects.count() == 1
