"""A double-click creates nothing twice (issue 16, item 3): two identical intake POSTs at
the same moment make one call and one set of cases; the second shows the first's result."""

import threading

import pytest
from django.db import connection
from django.test import Client

from cases.models import Case, DistressCall
from submissions.models import SubmissionToken
from submissions.services import new_token
from tests.cases.conftest import call_data
from tests.factories import OrganizationFactory, UserFactory

INTAKE = "/cases/intake/"


@pytest.mark.django_db(transaction=True)
def test_two_identical_concurrent_intakes_make_one_call():
    org = OrganizationFactory(code="dbl", country="KH")
    user = UserFactory(username="cw", organization=org, role="caseworker")
    data = call_data([{}, {"given_name_latin": "Rithy"}])
    data["go_on"] = "1"
    data["submission_token"] = new_token()
    barrier = threading.Barrier(2)
    answers: list = []

    def send():
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(INTAKE, data)
            answers.append((response.status_code, response.get("Location")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert DistressCall.objects.count() == 1
    assert Case.objects.count() == 2
    first_case = Case.objects.order_by("pk").first()
    assert answers == [(302, first_case.get_absolute_url())] * 2
    assert SubmissionToken.objects.get().result_url == first_case.get_absolute_url()


@pytest.mark.django_db
def test_a_resend_after_success_shows_the_result_and_a_refused_form_keeps_its_token(
    client, caseworker
):
    client.force_login(caseworker)
    page = client.get(INTAKE).content.decode()
    assert 'name="submission_token"' in page and "data-submit-once" in page
    token = new_token()
    bad = call_data(summary="", submission_token=token)
    response = client.post(INTAKE, bad)
    assert response.status_code == 422
    assert f'value="{token}"' in response.content.decode()  # the same submission
    good = call_data(submission_token=token, go_on="1")
    first = client.post(INTAKE, good)
    assert first.status_code == 302
    again = client.post(INTAKE, good, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert "already sent" in again.content.decode()
    assert DistressCall.objects.count() == 1
    # Another user's token is not theirs to replay: a new submission for them.
    other = UserFactory(username="cw2", organization=caseworker.organization, role="caseworker")
    client.force_login(other)
    assert client.post(INTAKE, good).status_code == 302
    assert DistressCall.objects.count() == 2
