"""Editing a case: no lost updates, status with who and when, assignment within the owner."""

import pytest
from django.urls import reverse

from cases.models import Case
from cases.services import StaleCase, case_update
from partners.roles import Role
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db


def form_data(client, url) -> dict:
    """The edit form as the browser would submit it, unchanged."""
    response = client.get(url)
    form = response.context["form"]
    data: dict = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, False):
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role=Role.COORDINATOR)


def test_status_change_records_who_and_when(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case_in.pk])
    data = form_data(client, url)
    data["status"] = "active"
    response = client.post(url, data)
    assert response.status_code == 302
    case_in.refresh_from_db()
    assert case_in.status == "active" and case_in.status_changed_by == caseworker
    assert case_in.version == 2
    entry = case_in.timeline.get(kind="status_changed")
    assert entry.data == {"old": "open", "new": "active"}  # codes, shown in words


def test_second_save_on_a_stale_page_is_refused_and_keeps_input(client, caseworker, org, case_in):
    colleague = UserFactory(username="colleague", organization=org, role=Role.CASEWORKER)
    url = reverse("cases:edit", args=[case_in.pk])
    client.force_login(caseworker)
    mine = form_data(client, url)
    client.force_login(colleague)
    theirs = form_data(client, url)

    # The colleague saves first.
    theirs["status"] = "active"
    theirs["industry"] = "03.11"
    assert client.post(url, theirs).status_code == 302

    # The caseworker's page is now stale.
    client.force_login(caseworker)
    mine["trafficking_status"] = "actual"
    mine["trafficking_status_decided_by"] = "Malaysian police (ATIPSOM)"
    response = client.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this while you were editing it" in html
    # What changed, in words.
    assert "Marine fishing" in html and "Active" in html
    differences = {d["field"]: (d["was"], d["now"]) for d in response.context["differences"]}
    assert differences["Status"] == ("Open", "Active")
    assert differences["Industry"] == ("—", "Marine fishing")
    # The second person's input is still on the form.
    assert 'value="Malaysian police (ATIPSOM)"' in html
    case_in.refresh_from_db()
    assert case_in.trafficking_status == "possible" and case_in.status == "active"
    assert case_in.version == 2

    # Saving again, now knowingly, goes through and keeps both people's work.
    again = {
        **mine,
        "version": str(case_in.version),
        "status": "active",
        "industry": "03.11",
        "original": response.context["form"].data["original"],
    }
    assert client.post(url, again).status_code == 302
    case_in.refresh_from_db()
    assert case_in.trafficking_status == "actual" and case_in.status == "active"


def test_service_refuses_a_stale_version(caseworker, case_in):
    case_update(case=case_in, by=caseworker, version=1, changes={"urgency": "urgent"})
    with pytest.raises(StaleCase) as exc:
        case_update(case=case_in, by=caseworker, version=1, changes={"urgency": "immediate"})
    assert exc.value.current.urgency == "urgent"
    assert Case.objects.get(pk=case_in.pk).urgency == "urgent"


def test_assignment_only_to_members_of_the_owner(client, coordinator, org, other_caseworker):
    case = make_case(org, by=coordinator)
    colleague = UserFactory(username="colleague", organization=org, role=Role.CASEWORKER)
    client.force_login(coordinator)
    url = reverse("cases:edit", args=[case.pk])
    data = form_data(client, url)
    data["assigned_to"] = str(other_caseworker.pk)  # a foreign user id
    response = client.post(url, data)
    assert response.status_code == 422
    assert 'id="id_assigned_to_error"' in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to is None
    data["assigned_to"] = str(colleague.pk)
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert case.timeline.filter(kind="assigned").exists()


def test_caseworker_cannot_assign(client, caseworker, org, case_in):
    colleague = UserFactory(username="colleague", organization=org, role=Role.CASEWORKER)
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case_in.pk])
    data = form_data(client, url)
    assert "assigned_to" not in data
    data["assigned_to"] = str(colleague.pk)  # ignored: the field is not on their form
    assert client.post(url, data).status_code == 302
    case_in.refresh_from_db()
    assert case_in.assigned_to is None


def test_edit_validation_messages(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case_in.pk])
    data = form_data(client, url)
    data["country_of_exploitation"] = "XX"
    data["status"] = ""
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown country" in html.split('id="id_country_of_exploitation_error"')[1][:200]
    assert 'id="id_status_error"' in html


def test_liaison_may_not_edit(client, org, case_in):
    liaison = UserFactory(username="liaison", organization=org, role=Role.LIAISON)
    client.force_login(liaison)
    assert client.get(reverse("cases:edit", args=[case_in.pk])).status_code == 403


def test_other_organisation_gets_404(client, other_caseworker, case_in):
    client.force_login(other_caseworker)
    assert client.get(reverse("cases:edit", args=[case_in.pk])).status_code == 404
    assert client.post(reverse("cases:edit", args=[case_in.pk]), {}).status_code == 404


# --- person ---------------------------------------------------------------------------------


def test_correct_the_person(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:person_edit", args=[case_in.pk])
    data = form_data(client, url)
    data["given_name_latin"] = "Sokhar"
    data["phone"] = "012 555 666"  # local format, organisation in Cambodia
    response = client.post(url, data)
    assert response.status_code == 302
    case_in.refresh_from_db()
    case_in.person.refresh_from_db()
    assert case_in.person.given_name_latin == "Sokhar"
    assert str(case_in.person.phone) == "+85512555666"
    assert case_in.version == 2
    entry = case_in.timeline.get(kind="person_updated")
    assert "Sokhar" not in str(entry.data)  # no identity in the timeline


def test_person_edit_validation(client, caseworker, case_in):
    client.force_login(caseworker)
    url = reverse("cases:person_edit", args=[case_in.pk])
    data = form_data(client, url)
    data["date_of_birth"] = "2999-01-01"
    data["phone"] = "123"
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "cannot be in the future" in html.split('id="id_date_of_birth_error"')[1][:300]
    assert "valid phone number" in html.split('id="id_phone_error"')[1][:300]


def test_stale_person_edit_is_refused_and_shows_what_changed(client, caseworker, org, case_in):
    colleague = UserFactory(username="colleague", organization=org, role=Role.CASEWORKER)
    url = reverse("cases:person_edit", args=[case_in.pk])
    client.force_login(caseworker)
    mine = form_data(client, url)
    client.force_login(colleague)
    theirs = form_data(client, url)
    theirs["family_name_latin"] = "Pich"
    assert client.post(url, theirs).status_code == 302

    client.force_login(caseworker)
    mine["languages"] = "Khmer, Thai"
    response = client.post(url, mine)
    assert response.status_code == 409
    differences = {d["field"]: d["now"] for d in response.context["differences"]}
    assert differences == {"Family name (Latin letters)": "Pich"}
    assert 'value="Khmer, Thai"' in response.content.decode()
    case_in.person.refresh_from_db()
    assert case_in.person.languages != "Khmer, Thai"
    assert case_in.person.family_name_latin == "Pich"


def test_a_case_edit_makes_a_person_edit_page_stale_too(client, caseworker, case_in):
    """Both forms lock on the case's version: no silent overwrite across them either."""
    client.force_login(caseworker)
    url = reverse("cases:person_edit", args=[case_in.pk])
    data = form_data(client, url)
    case_update(case=case_in, by=caseworker, version=1, changes={"urgency": "urgent"})
    data["languages"] = "Khmer"
    assert client.post(url, data).status_code == 409


def test_htcds_facts_are_edited_and_shown(client, caseworker, org, case_in):
    """The deciding organisation as a reference, its HTCDS kind, the types of sexual
    exploitation and the exploitation's start and end (issue 27)."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import OrganizationFactory

    police = OrganizationFactory(name="Koh Kong Provincial Police", kind="law_enforcement")
    client.force_login(caseworker)
    url = reverse("cases:edit", args=[case_in.pk])
    today = timezone.localdate()
    data = {
        **form_data(client, url),
        "trafficking_status_decided_by_org": str(police.pk),
        "trafficking_status_decider_kind": "police",
        "sex_exploitation_types": ["prostitution", "remote_interactive"],
        "exploitation_started_on": (today - timedelta(days=500)).isoformat(),
        "exploitation_ended_on": (today - timedelta(days=30)).isoformat(),
    }
    assert client.post(url, data).status_code == 302
    case_in.refresh_from_db()
    assert case_in.trafficking_status_decided_by_org == police
    assert case_in.sex_exploitation_types == ["prostitution", "remote_interactive"]
    assert case_in.exploitation_started_on == today - timedelta(days=500)
    page = client.get(case_in.get_absolute_url()).content.decode()
    assert "Koh Kong Provincial Police" in page
    assert "Remote interactive services" in page

    # An end before the start, or a start in the future, is refused next to the field.
    data = form_data(client, url)
    data["exploitation_ended_on"] = (today - timedelta(days=600)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 422
    assert "The end cannot be before the start." in response.content.decode()
    data = form_data(client, url)
    data["exploitation_started_on"] = (today + timedelta(days=3)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 422
    assert "The date cannot be in the future." in response.content.decode()
    case_in.refresh_from_db()
    assert case_in.exploitation_started_on == today - timedelta(days=500)
