"""The API's interviews and events: the pages' services and rules, identity-level fields
absent without view identity, 404 for another organisation's case."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from cases import access
from identification.models import Interview, TraffickingEvent
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "Wages kept by the broker"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def bearer(user) -> APIClient:
    client = APIClient()
    _token, raw = ApiToken.issue(user=user, name="t")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _url(case, what="interviews", pk=None):
    base = f"/api/v1/cases/{case.pk}/{what}/"
    return f"{base}{pk}/" if pk else base


def test_interview_created_resumed_and_completed(fisherman_case, caseworker):
    api = bearer(caseworker)
    body = {
        "held_on": timezone.localdate().isoformat(),
        "place": "กันตัง",
        "interpreter_name": "Srey Mom",
        "interpreter_language": "km",
        "answers": [
            {"set": "ilo", "code": "withholding_of_wages", "answer": "yes", "evidence": EVIDENCE}
        ],
    }
    created = api.post(_url(fisherman_case), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["place"]["code"] == "port:TH-KANTANG"
    assert data["summary"]["ilo_yes"] == 1
    patched = api.patch(
        _url(fisherman_case, pk=data["id"]),
        {
            "consented_to_interview": True,
            "complete": True,
            "answers": [{"set": "amp", "code": "act_recruitment", "answer": "unknown"}],
        },
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["status"] == "complete"
    assert {a["code"] for a in patched.json()["answers"]} == {
        "withholding_of_wages",
        "act_recruitment",
    }
    listed = api.get(_url(fisherman_case)).json()
    assert (
        listed[0]["answers"][0]["evidence"] == EVIDENCE
        or listed[0]["answers"][1]["evidence"] == EVIDENCE
    )


def test_bad_input_same_rules_as_the_page(fisherman_case, caseworker):
    api = bearer(caseworker)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    assert api.post(_url(fisherman_case), {"held_on": future}, format="json").status_code == 400
    unknown = api.post(
        _url(fisherman_case),
        {"held_on": timezone.localdate().isoformat(), "place": "Kantong"},
        format="json",
    )
    assert unknown.status_code == 400 and "Kantang" in unknown.content.decode()
    bad_code = api.post(
        _url(fisherman_case),
        {
            "held_on": timezone.localdate().isoformat(),
            "answers": [{"set": "ilo", "code": "x", "answer": "yes"}],
        },
        format="json",
    )
    assert bad_code.status_code == 400
    too_long = api.post(
        _url(fisherman_case, "events"),
        {"stage": "exploitation", "place": "Kantang", "workplace": "x" * 201},
        format="json",
    )
    assert too_long.status_code == 400
    assert not Interview.objects.exists() and not TraffickingEvent.objects.exists()


def test_events_and_identity_level_fields(fisherman_case, caseworker):
    api = bearer(caseworker)
    created = api.post(
        _url(fisherman_case, "events"),
        {"stage": "recruitment", "place": "Banteay Meanchey", "recruitment_method": "broker"},
        format="json",
    )
    assert created.status_code == 201, created.content
    vessel = api.post(
        _url(fisherman_case, "events"),
        {
            "stage": "exploitation",
            "place": "Kantang port",
            "workplace": "Sor. Somchai 7",
            "industry": "03.11",
        },
        format="json",
    )
    assert vessel.json()["workplace"] == "Sor. Somchai 7"
    api.post(
        _url(fisherman_case),
        {
            "held_on": timezone.localdate().isoformat(),
            "notes": "Met at the shelter",
            "answers": [{"set": "ilo", "code": "isolation", "answer": "yes", "evidence": EVIDENCE}],
        },
        format="json",
    )
    partner = OrganizationFactory(name="Partner", code="ptnr", country="TH")
    access.grant(fisherman_case, partner, [access.VIEW])
    reader = bearer(UserFactory(username="p-cw", organization=partner))
    events = reader.get(_url(fisherman_case, "events")).json()
    assert {e["place"]["code"] for e in events} == {"KH-1", "port:TH-KANTANG"}
    assert all("workplace" not in e for e in events)
    interviews = reader.get(_url(fisherman_case)).content.decode()
    assert EVIDENCE not in interviews and "Met at the shelter" not in interviews
    assert "isolation" in interviews  # the code is statistics-level
    assert reader.post(_url(fisherman_case, "events"), {}, format="json").status_code == 403


def test_another_organisation_gets_404(fisherman_case, other_caseworker):
    api = bearer(other_caseworker)
    assert api.get(_url(fisherman_case)).status_code == 404
    assert api.get(_url(fisherman_case, "events")).status_code == 404
