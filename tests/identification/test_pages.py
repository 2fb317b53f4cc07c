"""The pages: start, pause, resume and complete an interview; the decision form; events with
a place typed in any script; double submits; identity-level parts for those who may see them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import access
from identification.models import IdentificationDecision, Interview, TraffickingEvent
from submissions.services import new_token
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "Captain kept passports in the wheelhouse"


def _post_interview(client, url, action="pause", **extra):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "place": "Kantang",
        "interpreter_name": "Srey Mom",
        "interpreter_language": "km",
        "consented_to_interview": "on",
        "means_required": "unknown",
        "ilo__retention_of_documents": "yes",
        "ilo__retention_of_documents__evidence": EVIDENCE,
        "submission_token": new_token(),
        action: "1",
        **extra,
    }
    return client.post(url, data)


def test_start_pause_resume_complete_and_decide(client, fisherman_case, caseworker, coordinator):
    client.force_login(caseworker)
    page = client.get(fisherman_case.get_absolute_url()).content.decode()
    assert "Start a screening interview" in page
    new = reverse("identification:interview_new", args=[fisherman_case.pk])
    form = client.get(new).content.decode()
    assert "Retention of identity documents" in form and 'type="radio"' in form
    response = _post_interview(client, new)
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.status == "draft" and interview.place.code == "port:TH-KANTANG"
    resume = client.get(response.url).content.decode()
    assert EVIDENCE in resume and "Resume the screening interview" in resume
    done = _post_interview(client, response.url, action="complete", amp__act_recruitment="yes")
    assert done.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "complete" and interview.answers.count() == 2
    # The caseworker sees the summary, not the decision form.
    detail = client.get(done.url).content.decode()
    assert "Forced-labour indicators: 1 of 11" in detail
    assert "Record the identification decision" not in detail
    client.force_login(coordinator)
    decide = reverse("identification:decide", args=[interview.pk])
    assert "Record the identification decision" in client.get(done.url).content.decode()
    refused = client.post(
        decide, {"status": "actual", "reason": "", "submission_token": new_token()}
    )
    assert refused.status_code == 422 and "This field is required" in refused.content.decode()
    token = new_token()
    ok = client.post(
        decide, {"status": "actual", "reason": "Documents kept", "submission_token": token}
    )
    again = client.post(
        decide, {"status": "actual", "reason": "Documents kept", "submission_token": token}
    )
    assert ok.status_code == 302 and again.status_code == 302
    assert IdentificationDecision.objects.count() == 1  # the double submit was a no-op
    case_page = client.get(fisherman_case.get_absolute_url()).content.decode()
    assert "Identification decided from a screening interview: Identified victim" in case_page
    history = client.get(reverse("cases:history", args=[fisherman_case.pk])).content.decode()
    assert "Identified victim" in history and "Possible victim" in history


def test_a_caseworker_may_not_post_a_decision(client, fisherman_case, caseworker, coordinator):
    client.force_login(caseworker)
    _post_interview(
        client, reverse("identification:interview_new", args=[fisherman_case.pk]), "complete"
    )
    interview = Interview.objects.get()
    response = client.post(
        reverse("identification:decide", args=[interview.pk]), {"status": "actual", "reason": "x"}
    )
    assert response.status_code == 403


def test_unknown_place_is_a_field_error_with_suggestions(client, fisherman_case, caseworker):
    client.force_login(caseworker)
    response = _post_interview(
        client, reverse("identification:interview_new", args=[fisherman_case.pk]), place="Kantong"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "is not in the gazetteer. Did you mean" in html and "Kantang" in html
    assert not Interview.objects.exists()


def test_interview_in_the_future_is_a_field_error(client, fisherman_case, caseworker):
    client.force_login(caseworker)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = _post_interview(
        client, reverse("identification:interview_new", args=[fisherman_case.pk]), held_on=tomorrow
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()


def test_event_form_with_a_thai_place_and_double_submit(client, fisherman_case, caseworker):
    client.force_login(caseworker)
    url = reverse("identification:event_new", args=[fisherman_case.pk])
    data = {
        "stage": "exploitation",
        "place": "กันตัง",
        "period": "2025, about 8 months",
        "industry": "03.11",
        "workplace": "Sor. Somchai 7",
        "submission_token": new_token(),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    event = TraffickingEvent.objects.get()
    assert event.place.code == "port:TH-KANTANG"
    assert "Sor. Somchai 7" in client.get(fisherman_case.get_absolute_url()).content.decode()
    edit = client.get(reverse("identification:event", args=[event.pk])).content.decode()
    assert 'value="Kantang"' in edit


def test_places_endpoint(client, caseworker):
    client.force_login(caseworker)
    data = client.get(reverse("identification:places"), {"q": "kant"}).json()
    assert [p["code"] for p in data["places"]] == ["port:TH-KANTANG"]


def test_identity_level_parts_absent_without_view_identity(client, fisherman_case, caseworker):
    client.force_login(caseworker)
    _post_interview(
        client, reverse("identification:interview_new", args=[fisherman_case.pk]), "complete"
    )
    client.post(
        reverse("identification:event_new", args=[fisherman_case.pk]),
        {"stage": "exploitation", "place": "Kantang", "workplace": "Sor. Somchai 7"},
    )
    partner = OrganizationFactory(name="Partner", code="ptnr", country="TH")
    access.grant(fisherman_case, partner, [access.VIEW, access.CHANGE])
    client.force_login(UserFactory(username="p-cw", organization=partner))
    interview = Interview.objects.get()
    for url in (
        fisherman_case.get_absolute_url(),
        reverse("identification:interview", args=[interview.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Kantang" in html  # statistics-level: shown
        for secret in (EVIDENCE, "Sor. Somchai 7", "Srey Mom"):
            assert secret not in html, (url, secret)
