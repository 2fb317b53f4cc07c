"""The API's services, follow-ups and directory: the same services as the pages, identity
absent without view-identity, a hidden field refused by name."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reintegration import followups, services
from reintegration.models import FollowUp, ServiceRecord

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_provider_records_a_loan_and_reads_it_back(w):
    url = reverse("api:case-service-list", args=[w.case.pk])
    body = {
        "type": "micro_loan",
        "started_on": timezone.localdate().isoformat(),
        "amount": "800000",
        "currency": "KHR",
        "schedule": "monthly",
        "referral_id": w.referral.pk,
        "note": "Pays at the market",
    }
    response = api(w.provider_cw).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["provider"]["id"] == w.provider.pk
    assert response.json()["note"] == "Pays at the market"
    assert api(w.police_cw).post(url, body, format="json").status_code == 403
    assert api(w.other_cw).post(url, body, format="json").status_code == 404
    # The police see the case but not the identity: the note is absent, not null.
    listed = api(w.police_cw).get(url).json()["results"]
    assert len(listed) == 1 and "note" not in listed[0] and "place" not in listed[0]


def test_a_bad_loan_is_a_field_error(w):
    url = reverse("api:case-service-list", args=[w.case.pk])
    body = {"type": "micro_loan", "started_on": timezone.localdate().isoformat()}
    response = api(w.provider_cw).post(url, body, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]
    assert not ServiceRecord.objects.exists()


def test_recording_a_follow_up(w):
    followups.reintegration_start(
        case=w.case, by=w.provider_cw, returned_on=timezone.localdate() - timedelta(days=2)
    )
    fu = FollowUp.objects.get(case=w.case, months=3)
    url = reverse("api:follow-up-detail", args=[fu.pk])
    early = {
        "held_on": (fu.returned_on - timedelta(days=1)).isoformat(),
        "method": "phone",
        "reached": True,
    }
    response = api(w.provider_cw).patch(url, early, format="json")
    assert response.status_code == 400
    assert "held_on" in response.json()["error"]["fields"]
    ok = {**early, "held_on": timezone.localdate().isoformat(), "working": True, "in_debt": True}
    response = api(w.provider_cw).patch(url, ok, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["working"], response.json()["in_debt"]) == (True, True)
    assert api(w.police_cw).patch(url, ok, format="json").status_code == 403
    assert api(w.other_cw).get(url).status_code == 404
    listed = api(w.police_cw).get(reverse("api:case-follow-up-list", args=[w.case.pk])).json()
    assert [f["months"] for f in listed] == [3, 6, 12] and "note" not in listed[0]


def test_a_hidden_field_is_refused_by_name(w):
    from cases import access

    access.grant(w.case, w.police, [access.RECORD_SERVICES])
    url = reverse("api:case-service-list", args=[w.case.pk])
    body = {"type": "legal_aid", "started_on": timezone.localdate().isoformat(), "note": "x"}
    response = api(w.police_cw).post(url, body, format="json")
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]


def test_the_directory_lists_offers_filtered(w):
    from reintegration import directory

    directory.offer_save(
        by=w.provider_coord, areas=[("KH", "KH-12")], service="shelter", for_sex="male"
    )
    url = reverse("api:service-offer-list")
    found = api(w.other_cw).get(url, {"service": "shelter", "country": "KH", "sex": "male"}).json()
    assert [o["organization"]["id"] for o in found["results"]] == [w.provider.pk]
    found = api(w.other_cw).get(url, {"service": "shelter", "sex": "female"}).json()
    assert found["results"] == []
    assert api(w.other_cw).get(url, {"age": "-3"}).status_code == 400


def test_the_pdf_section_follows_the_disclosure(w):
    from reintegration.pdf import reintegration_section

    services.service_record_create(
        case=w.case,
        by=w.caseworker,
        type="medical",
        started_on=timezone.localdate(),
        place="Clinic on street 63",
        note="Sees Dr Sok",
    )
    owner = reintegration_section(w.case, w.caseworker, anonymised=False)
    assert owner["services"][0]["note"] == "Sees Dr Sok"
    police = reintegration_section(w.case, w.police_cw, anonymised=False)
    assert police["services"][0]["note"] == "" and police["services"][0]["place"] == ""
    anonymised = reintegration_section(w.case, w.caseworker, anonymised=True)
    assert anonymised["services"][0]["place"] == ""
    assert reintegration_section(w.case, w.other_cw, anonymised=False) is None
