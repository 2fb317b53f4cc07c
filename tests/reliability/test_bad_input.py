"""Bad input answers a clear 4xx or the form with a message, and changes no row (issue 16,
items 1 and 4): dates outside their range on every path, a too-long login username, a
tampered formset counter, a JSON body nested 100,000 levels, a tampered hidden version."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, DistressCall, Person
from config.dates import BIRTH_DATE, FUTURE_PLAN, PAST_EVENT, in_range
from config.parsers import depth_exceeds
from tests.api.conftest import bearer
from tests.cases.conftest import call_data
from tests.cases.test_case_edit import form_data
from tests.repatriation.conftest import new_plan

pytestmark = pytest.mark.django_db

INTAKE = "/cases/intake/"


# --- dates ---------------------------------------------------------------------------------


def test_the_ranges_themselves():
    today = timezone.localdate()
    assert in_range(dt.date(1900, 1, 1), PAST_EVENT) and not in_range(
        dt.date(1899, 12, 31), PAST_EVENT
    )
    assert in_range(today + dt.timedelta(days=1), PAST_EVENT)
    assert not in_range(today + dt.timedelta(days=2), PAST_EVENT)
    assert in_range(today, BIRTH_DATE) and not in_range(today + dt.timedelta(days=1), BIRTH_DATE)
    assert not in_range(dt.date(9999, 12, 31), FUTURE_PLAN)
    # Year 1 and 9999 at the edge of a time zone: refused, not an OverflowError.
    assert not in_range(dt.datetime(1, 1, 1, tzinfo=dt.UTC), PAST_EVENT)
    assert not in_range(dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), PAST_EVENT)
    assert in_range(None, PAST_EVENT)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_ranges_follow_the_local_date_not_the_utc_date(zone):
    # At UTC+14 the local date is a day ahead of UTC's from 10:00 UTC; at UTC-12 a day behind
    # until 12:00 UTC: whatever the hour of the run, one of the two differs from UTC's date.
    with timezone.override(zone):
        today = timezone.localdate()
        assert in_range(today + dt.timedelta(days=1), PAST_EVENT)
        assert not in_range(today + dt.timedelta(days=2), PAST_EVENT)
        assert in_range(today, BIRTH_DATE)
        assert not in_range(today + dt.timedelta(days=1), BIRTH_DATE)


def test_intake_received_in_year_one_is_refused_with_a_message(client, caseworker):
    client.force_login(caseworker)
    response = client.post(INTAKE, call_data(received_at="0001-01-01T00:00"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "received_at" in errors and "1900-01-01" in errors["received_at"][0]
    assert DistressCall.objects.count() == 0 and Case.objects.count() == 0


def test_intake_date_of_birth_in_the_future_is_refused(client, caseworker):
    client.force_login(caseworker)
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(INTAKE, call_data([{"date_of_birth": tomorrow}]))
    assert response.status_code == 422
    assert "date_of_birth" in response.context["formset"].forms[0].errors
    assert Person.objects.count() == 0


def test_case_edit_decided_in_9999_is_refused_and_nothing_changes(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case_in.pk])
    data = form_data(client, url)
    data["trafficking_status_decided_at"] = "9999-12-31"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "trafficking_status_decided_at" in response.context["form"].errors
    case_in.refresh_from_db()
    assert case_in.trafficking_status_decided_at is None and case_in.version == 1


def test_api_call_in_year_one_answers_400_and_writes_nothing(caseworker):
    api = bearer(caseworker)
    body = {
        "channel": "hotline",
        "urgency": "immediate",
        "caller_relation": "family",
        "summary": "A man on a boat.",
        "received_at": "0001-01-01T00:00:00+07:00",
        "persons": [{"given_name_latin": "Dara", "sex": "male", "nationality": "KH"}],
    }
    response = api.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 400, response.content
    assert "received_at" in response.json()["error"]["fields"]
    # Before 1900 but readable: the same range as the form, through the service.
    body["received_at"] = "1850-06-01T10:00:00+07:00"
    response = api.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 400, response.content
    assert "1900-01-01" in str(response.json()["error"])
    assert DistressCall.objects.count() == 0 and Case.objects.count() == 0


def test_migration_repair_makes_an_unreadable_call_readable_again(client, caseworker):
    """A call stored before the ranges existed, dated year 0 in UTC: the repair in
    cases/migrations/0007_date_ranges.py sets it to when the row was written."""
    import importlib

    client.force_login(caseworker)
    client.post(INTAKE, call_data())
    call = DistressCall.objects.get()
    case = call.cases.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_distresscall SET received_at = '0001-01-01 00:00+07' WHERE id = %s",
            [call.pk],
        )
        cursor.execute(
            "UPDATE cases_case SET created_at = '0001-01-01 00:00+07' WHERE id = %s", [case.pk]
        )
    with pytest.raises(ValueError):  # what made the pages answer 500
        DistressCall.objects.get(pk=call.pk)
    migration = importlib.import_module("cases.migrations.0007_date_ranges")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.repair_unreadable_datetimes(None, editor)
    call = DistressCall.objects.get(pk=call.pk)
    assert in_range(call.received_at, PAST_EVENT)
    assert client.get(case.get_absolute_url()).status_code == 200


# --- 500s on bad input ---------------------------------------------------------------------


def test_login_with_a_256_character_username_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": "u" * 256, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert "150" in response.context["form"].errors["username"][0]


def test_add_person_with_a_tampered_counter_is_not_a_500(client, caseworker):
    client.force_login(caseworker)
    data = call_data()
    data["persons-TOTAL_FORMS"] = "abc"
    data["add_person"] = "1"
    response = client.post(INTAKE, data)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    data["persons-TOTAL_FORMS"] = "-5000000000000"
    assert client.post(INTAKE, data).status_code == 200
    assert DistressCall.objects.count() == 0


def test_json_nested_100000_levels_answers_400(caseworker):
    api = bearer(caseworker)
    body = "[" * 100_000 + "]" * 100_000
    response = api.generic("POST", "/api/v1/calls/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in str(response.json())
    # Deep enough to parse but deeper than any Homeward body: refused as well.
    shallow_enough = '{"persons": [' + "[" * 40 + "]" * 40 + "]}"
    response = api.generic(
        "POST", "/api/v1/calls/", shallow_enough, content_type="application/json"
    )
    assert response.status_code == 400
    assert DistressCall.objects.count() == 0


def test_depth_counts_containers():
    assert not depth_exceeds({"a": [1, {"b": []}]}, limit=4)
    assert depth_exceeds({"a": [1, {"b": [[]]}]}, limit=4)
    assert not depth_exceeds("text", limit=0)


@pytest.mark.parametrize("version", ["abc", "", "-1"])
def test_step_version_tampered(client, version, world):
    plan = new_plan(world)
    step = plan.steps.order_by("order").first()
    client.force_login(world.liaison)
    url = reverse("repatriation:step", args=[step.pk])
    response = client.post(
        url,
        {"status": "in_progress", "note": "", "reason": "", "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "reload the page" in html
    step.refresh_from_db()
    assert step.status == "not_started" and step.version == 1
