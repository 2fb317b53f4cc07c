"""Issue 16, items 2, 5 and 7: one limit per field and per list, the same on the pages and in
the API (the exact bad request answers a clear 4xx and writes nothing; the exact limit
passes), and a partial PATCH of a repatriation step."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework import serializers

from cases import access
from cases.models import Case, CaseNote, Consent, DistressCall, Person
from cases.services import MAX_PERSONS_PER_CALL, PersonIntake, distress_call_create
from repatriation.models import RepatriationStep, StepStatus
from tests.api import test_endpoints as endpoints
from tests.api.conftest import bearer
from tests.cases.conftest import call_data
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# The world and the plan of the endpoint tests (fixtures), and their valid call.
w = endpoints.w
plan = endpoints.plan
CALL = endpoints.CALL

HX = {"HTTP_HX_REQUEST": "true"}
PERSON = {"given_name_latin": "Dara", "sex": "male", "estimated_age": 24, "nationality": "KH"}
TOO_MANY = f"A call can name at most {MAX_PERSONS_PER_CALL} persons"


def fields(response) -> dict:
    return response.json()["error"]["fields"]


def nothing_logged() -> bool:
    return not DistressCall.objects.exists() and not Person.objects.exclude(cases__isnull=False)


# --- item 2: persons per call ---------------------------------------------------------------


def test_api_refuses_31_persons_naming_the_limit_and_saves_nothing(w):
    cases_before = Case.objects.count()
    persons_before = Person.objects.count()
    response = bearer(w.cw).post(
        "/api/v1/calls/", {**CALL, "persons": [PERSON] * 31}, format="json"
    )
    assert response.status_code == 400
    # DRF's shape for an error of the list itself.
    assert TOO_MANY in fields(response)["persons"]["non_field_errors"][0]
    assert not DistressCall.objects.exists()
    assert Case.objects.count() == cases_before and Person.objects.count() == persons_before


def test_api_accepts_exactly_30_persons(w):
    cases_before = Case.objects.count()
    response = bearer(w.cw).post(
        "/api/v1/calls/", {**CALL, "persons": [PERSON] * 30}, format="json"
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["cases"]) == 30
    assert Case.objects.count() == cases_before + 30


def test_a_huge_list_is_refused_by_its_length_before_any_person_is_looked_at(w):
    """10,000 invalid persons: the only error is the list's length — no person was validated
    (each would have said 'sex: This field is required.')."""
    response = bearer(w.cw).post(
        "/api/v1/calls/", {**CALL, "persons": [{}] * 10_000}, format="json"
    )
    assert response.status_code == 400
    [message] = fields(response)["persons"]["non_field_errors"]
    assert fields(response) == {"persons": {"non_field_errors": [message]}}
    assert TOO_MANY in message
    assert not DistressCall.objects.exists()


def test_the_schema_shows_the_same_maximum():
    schema = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    create = schema["components"]["schemas"]["DistressCallCreateRequest"]
    assert create["properties"]["persons"]["maxItems"] == MAX_PERSONS_PER_CALL
    assert create["properties"]["summary"]["maxLength"] == 10_000


def test_the_page_refuses_31_persons_with_the_same_message(client, w):
    client.force_login(w.cw)
    response = client.post("/cases/intake/", call_data([{}] * 31))
    assert response.status_code == 422
    assert TOO_MANY in response.content.decode()
    assert not DistressCall.objects.exists()


def test_the_service_refuses_31_persons_whoever_calls_it(w):
    with pytest.raises(ValidationError) as exc:
        distress_call_create(
            by=w.cw,
            call=DistressCall(
                channel="phone", caller_relation="family", summary="x", urgency="urgent"
            ),
            persons=[PersonIntake(person=PersonFactory.build()) for _ in range(31)],
        )
    assert TOO_MANY in exc.value.message_dict["persons"][0]
    assert not DistressCall.objects.exists()


# --- item 5: one length per text field ------------------------------------------------------


def test_encrypted_text_fields_limit_the_plain_text_in_model_form_and_serializer():
    field = CaseNote._meta.get_field("body")
    assert field.formfield().max_length == 10_000

    class NoteSerializer(serializers.ModelSerializer):
        class Meta:
            model = CaseNote
            fields = ["body"]

    assert NoteSerializer().fields["body"].max_length == 10_000
    note = CaseNote(body="x" * 10_001)
    with pytest.raises(ValidationError) as exc:
        note.clean_fields(exclude=["case", "author", "organization"])
    assert "at most 10000 characters" in str(exc.value.message_dict["body"])


@pytest.mark.parametrize("size,ok", [(10_000, True), (10_001, False)])
def test_note_limit_is_the_same_on_the_page_and_in_the_api(client, w, size, ok):
    body = "ន" * size  # characters, not bytes: a Khmer note counts as long as it reads
    client.force_login(w.cw)
    page = client.post(reverse("cases:note_add", args=[w.case.pk]), {"body": body}, **HX)
    api = bearer(w.cw).post(f"/api/v1/cases/{w.case.pk}/notes/", {"body": body}, format="json")
    if ok:
        assert (page.status_code, api.status_code) == (200, 201)
        assert CaseNote.objects.filter(case=w.case).count() == 2
    else:
        assert page.status_code == 422
        assert "at most 10000 characters" in page.content.decode()
        assert api.status_code == 400
        assert "no more than 10000 characters" in fields(api)["body"][0]
        assert not CaseNote.objects.exists()


def test_note_too_long_without_htmx_says_why(client, w):
    client.force_login(w.cw)
    response = client.post(
        reverse("cases:note_add", args=[w.case.pk]), {"body": "x" * 10_001}, follow=True
    )
    assert "at most 10000 characters" in response.content.decode()
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize(
    "field,limit",
    [("summary", 10_000), ("caller_name", 200), ("callback_notes", 250), ("vessel", 200)],
)
def test_call_text_limits_are_the_same_on_the_page_and_in_the_api(client, w, field, limit):
    client.force_login(w.cw)
    too_long = "ក" * (limit + 1)
    page = client.post("/cases/intake/", call_data(**{field: too_long}))
    assert page.status_code == 422
    assert f"at most {limit} characters" in page.content.decode()
    api = bearer(w.cw).post("/api/v1/calls/", {**CALL, field: too_long}, format="json")
    assert api.status_code == 400
    assert f"no more than {limit} characters" in fields(api)[field][0]
    assert not DistressCall.objects.exists()
    exact = "ក" * limit
    assert client.post("/cases/intake/", call_data(**{field: exact})).status_code == 302
    api = bearer(w.cw).post("/api/v1/calls/", {**CALL, field: exact}, format="json")
    assert api.status_code == 201, api.content
    assert DistressCall.objects.count() == 2


def test_person_name_limit_is_the_same_on_the_page_and_in_the_api(client, w):
    client.force_login(w.cw)
    name = "ស" * 151
    page = client.post("/cases/intake/", call_data([{"given_name": name}]))
    assert page.status_code == 422
    assert "at most 150 characters" in page.content.decode()
    api = bearer(w.cw).post(
        "/api/v1/calls/", {**CALL, "persons": [{**PERSON, "given_name": name}]}, format="json"
    )
    assert api.status_code == 400
    assert "no more than 150 characters" in fields(api)["persons"]["0"]["given_name"][0]
    assert nothing_logged()


def test_consent_note_limit_is_the_same_on_the_page_and_in_the_api(client, w):
    client.force_login(w.cw)
    data = {"purpose": "repatriation", "granted": "on", "method": "verbal", "note": "x" * 251}
    page = client.post(reverse("cases:consent_add", args=[w.case.pk]), data, **HX)
    assert page.status_code == 422
    assert "at most 250 characters" in page.content.decode()
    api = bearer(w.cw).post(
        f"/api/v1/cases/{w.case.pk}/consents/",
        {"purpose": "repatriation", "granted": True, "method": "verbal", "note": "x" * 251},
        format="json",
    )
    assert api.status_code == 400
    assert "no more than 250 characters" in fields(api)["note"][0]
    assert not Consent.objects.exists()


def test_case_place_limit_is_the_models_in_the_api(w):
    """The API capped the place at 200 while the page and the model allow 250."""
    url = f"/api/v1/cases/{w.case.pk}/"
    api = bearer(w.coord)
    bad = api.patch(url, {"version": w.case.version, "current_place": "x" * 251}, format="json")
    assert bad.status_code == 400
    assert "no more than 250 characters" in fields(bad)["current_place"][0]
    w.case.refresh_from_db()
    assert w.case.current_place == "Room 4"
    ok = api.patch(url, {"version": w.case.version, "current_place": "x" * 250}, format="json")
    assert ok.status_code == 200, ok.content


def test_the_note_services_refuse_an_over_long_body_whoever_calls_them(w):
    from cases.services import case_note_add, case_note_edit

    with pytest.raises(ValidationError) as exc:
        case_note_add(case=w.case, body="x" * 10_001, by=w.cw)
    assert "body" in exc.value.message_dict
    note = case_note_add(case=w.case, body="Short", by=w.cw)
    with pytest.raises(ValidationError):
        case_note_edit(note=note, body="x" * 10_001, by=w.cw)
    note.refresh_from_db()
    assert note.body == "Short"


def test_family_contacts_are_limited_by_the_model():
    person = PersonFactory.build(family_contacts="x" * 2_001)
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "family_contacts" in exc.value.message_dict


@pytest.mark.parametrize("field", ["note", "reason"])
def test_step_text_limit_is_the_same_on_the_page_and_in_the_api(client, w, plan, field):
    step = plan.steps.order_by("order").first()
    data = {"status": StepStatus.BLOCKED, "reason": "Waiting for the embassy", "note": ""}
    data[field] = "x" * 2_001
    client.force_login(w.coord)  # the note needs view-identity on the page
    page = client.post(
        reverse("repatriation:step", args=[step.pk]),
        {**data, "due_date": "", "version": step.version},
        **HX,
    )
    assert "at most 2000 characters" in page.content.decode()
    api = bearer(w.coord).patch(
        f"/api/v1/repatriation-steps/{step.pk}/", {**data, "version": step.version}, format="json"
    )
    assert api.status_code == 400
    assert "no more than 2000 characters" in fields(api)[field][0]
    before = step.version
    step.refresh_from_db()
    assert step.version == before and step.status != StepStatus.BLOCKED
    data[field] = "x" * 2_000
    api = bearer(w.coord).patch(
        f"/api/v1/repatriation-steps/{step.pk}/", {**data, "version": step.version}, format="json"
    )
    assert api.status_code == 200, api.content
    step.refresh_from_db()
    assert getattr(step, field) == "x" * 2_000


# --- item 7: PATCH of a step is partial -----------------------------------------------------


def test_step_patch_with_only_version_and_note_changes_only_the_note(w, plan):
    # The embassy as an accepted repatriation referral leaves it: with the identity, which
    # the step's note and reason are (cases.disclosure; without it: the test below).
    access.grant(w.case, w.embassy_liaison.organization, [access.VIEW_IDENTITY])
    step = plan.steps.order_by("order").first()
    url = f"/api/v1/repatriation-steps/{step.pk}/"
    emb = bearer(w.embassy_liaison)
    blocked = emb.patch(
        url,
        {"version": step.version, "status": "blocked", "reason": "No birth certificate."},
        format="json",
    )
    assert blocked.status_code == 200, blocked.content
    version = blocked.json()["version"]
    response = emb.patch(url, {"version": version, "note": "Asked the family."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["note"] == "Asked the family."
    assert body["status"] == "blocked" and body["reason"] == "No birth certificate."
    assert body["version"] == version + 1
    step.refresh_from_db()
    assert (step.status, step.reason, step.note) == (
        StepStatus.BLOCKED,
        "No birth certificate.",
        "Asked the family.",
    )


def test_step_patch_still_needs_a_fresh_version(w, plan):
    # The embassy as an accepted repatriation referral leaves it: with the identity, which
    # the step's note and reason are (cases.disclosure; without it: the test below).
    access.grant(w.case, w.embassy_liaison.organization, [access.VIEW_IDENTITY])
    step = plan.steps.order_by("order").first()
    url = f"/api/v1/repatriation-steps/{step.pk}/"
    emb = bearer(w.embassy_liaison)
    missing = emb.patch(url, {"note": "No version"}, format="json")
    assert missing.status_code == 400
    assert "version" in fields(missing)
    ok = emb.patch(url, {"version": step.version, "note": "First"}, format="json")
    assert ok.status_code == 200
    stale = emb.patch(url, {"version": step.version, "note": "Second"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == step.version + 1
    assert RepatriationStep.objects.get(pk=step.pk).note == "First"


def test_step_put_is_not_offered(w, plan):
    step = plan.steps.order_by("order").first()
    response = bearer(w.embassy_liaison).put(
        f"/api/v1/repatriation-steps/{step.pk}/",
        {"version": step.version, "status": "done"},
        format="json",
    )
    assert response.status_code == 405


def test_referral_decline_reason_limit_is_the_models_on_the_page_and_in_the_api(w):
    from referrals.forms import DeclineForm
    from referrals.models import Referral, ReferralStatus

    endpoints.consent(w.case)
    rid = endpoints._refer(w).json()["id"]
    too_long = "x" * 2_001
    form = DeclineForm(data={"reason": too_long})
    assert not form.is_valid()
    assert "at most 2000 characters" in form.errors["reason"][0]
    response = bearer(w.shelter_cw).post(
        f"/api/v1/referrals/{rid}/decline/", {"reason": too_long}, format="json"
    )
    assert response.status_code == 400
    assert "no more than 2000 characters" in fields(response)["reason"][0]
    assert Referral.objects.get(pk=rid).status == ReferralStatus.PENDING
    response = bearer(w.shelter_cw).post(
        f"/api/v1/referrals/{rid}/decline/", {"reason": "x" * 2_000}, format="json"
    )
    assert response.status_code == 200, response.content
