"""Two people edit the same record (issue 16 item 6). The second save, based on an outdated
page, is refused; the form comes back with the first person's values, the second person's
own changes re-applied only to the fields they changed, and a fresh version, so that saving
it again keeps both people's work. Where both changed the same field, the field says what
the other person put, and the second person chooses."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from partners.roles import Role
from repatriation.models import StepKind, StepStatus
from tests.cases.test_case_edit import form_data
from tests.factories import UserFactory
from tests.repatriation.conftest import plan  # noqa: F401  (the repatriation fixture)

pytestmark = pytest.mark.django_db


def resubmit(response) -> dict:
    """The re-shown form as the browser submits it again, unchanged."""
    return dict(response.context["form"].data.lists())


@pytest.fixture
def colleague(org):
    return UserFactory(username="colleague", organization=org, role=Role.CASEWORKER)


def two_editors(client, url, first, second) -> tuple[dict, dict]:
    client.force_login(first)
    a = form_data(client, url)
    client.force_login(second)
    b = form_data(client, url)
    return a, b


def conflict(client, url, first, second, theirs: dict, mine: dict, headers=None):
    """Both open the form; ``first`` saves ``theirs``, then ``second`` saves ``mine`` on the
    stale version: the refused answer (409)."""
    a, b = two_editors(client, url, first, second)
    client.force_login(first)
    assert client.post(url, {**a, **theirs}, headers={"HX-Request": "true"}).status_code in (
        200,
        302,
    )
    client.force_login(second)
    response = client.post(url, {**b, **mine}, headers=headers or {})
    assert response.status_code == 409
    return response


def test_case_edit_conflict_reapplies_only_the_second_editors_own_fields(
    client, caseworker, colleague, case_in
):
    url = reverse("cases:edit", args=[case_in.pk])
    # A changes X (status), then B changes Y (industry) on the stale version.
    response = conflict(
        client, url, colleague, caseworker, {"status": "active"}, {"industry": "03.11"}
    )
    form = response.context["form"]
    html = response.content.decode()
    assert "Changed meanwhile: Status." in html  # names what the other person changed
    assert form["status"].value() == "active"  # A's value, not B's stale "open"
    assert form["industry"].value() == "03.11"  # B's own change
    assert form["version"].value() == "2"  # the fresh version
    assert form.errors.get("status") is None  # not a clash: nothing for B to choose
    assert [d["field"] for d in response.context["differences"]] == ["Status"]
    case_in.refresh_from_db()
    assert (case_in.status, case_in.industry, case_in.version) == ("active", "", 2)

    # B saves the re-shown form again, unchanged: both changes are kept.
    assert client.post(url, resubmit(response)).status_code == 302
    case_in.refresh_from_db()
    assert (case_in.status, case_in.industry, case_in.version) == ("active", "03.11", 3)


def test_the_same_field_changed_by_both_shows_both_values_and_the_second_editor_chooses(
    client, caseworker, colleague, case_in
):
    url = reverse("cases:edit", args=[case_in.pk])
    theirs = {"status": "active", "urgency": "immediate"}
    response = conflict(client, url, colleague, caseworker, theirs, {"status": "closed"})
    form = response.context["form"]
    assert form["status"].value() == "closed"  # B's value is kept for B to confirm...
    assert form["urgency"].value() == "immediate"  # ...A's other change is taken over
    # ...with A's value beside the field.
    assert "Someone else changed this to “Active” meanwhile" in " ".join(form.errors["status"])
    html = response.content.decode()
    beside = html.split('id="id_status_error"')[1][:400]
    assert "Someone else changed this to “Active” meanwhile" in beside

    # B chooses A's status after all: the form as shown, with status put back.
    again = resubmit(response)
    again["status"] = ["active"]
    assert client.post(url, again).status_code == 302
    case_in.refresh_from_db()
    assert (case_in.status, case_in.urgency) == ("active", "immediate")


def test_a_second_conflict_on_the_reshown_form_is_merged_against_the_fresh_snapshot(
    client, caseworker, colleague, case_in
):
    url = reverse("cases:edit", args=[case_in.pk])
    a, b = two_editors(client, url, colleague, caseworker)
    a["status"] = "active"
    client.force_login(colleague)
    client.post(url, a)
    b["industry"] = "03.11"
    client.force_login(caseworker)
    reshown = resubmit(client.post(url, b))
    # Before B saves again, A saves once more.
    client.force_login(colleague)
    a2 = form_data(client, url)
    a2["urgency"] = "immediate"
    assert client.post(url, a2).status_code == 302

    client.force_login(caseworker)
    response = client.post(url, reshown)
    assert response.status_code == 409
    assert [d["field"] for d in response.context["differences"]] == ["Urgency"]
    assert client.post(url, resubmit(response)).status_code == 302
    case_in.refresh_from_db()
    assert (case_in.status, case_in.urgency, case_in.industry) == ("active", "immediate", "03.11")


def test_person_edit_conflict_keeps_both_people_changes(client, caseworker, colleague, case_in):
    url = reverse("cases:person_edit", args=[case_in.pk])
    theirs, mine = {"family_name_latin": "Pich"}, {"languages": "Khmer, Thai"}
    response = conflict(client, url, colleague, caseworker, theirs, mine)
    form = response.context["form"]
    assert "Changed meanwhile: Family name (Latin letters)." in response.content.decode()
    assert form["family_name_latin"].value() == "Pich"
    assert form["languages"].value() == "Khmer, Thai"
    assert form["version"].value() == str(Case.objects.get(pk=case_in.pk).version)

    assert client.post(url, resubmit(response)).status_code == 302
    case_in.person.refresh_from_db()
    assert (case_in.person.family_name_latin, case_in.person.languages) == ("Pich", "Khmer, Thai")


def test_a_tampered_snapshot_keeps_all_input_and_marks_every_clash(
    client, caseworker, colleague, case_in
):
    """Without a readable snapshot nobody can tell what the editor changed: their input is
    kept everywhere, and each field where it differs from the record says so."""
    url = reverse("cases:edit", args=[case_in.pk])
    theirs, mine = {"status": "active"}, {"original": "tampered"}
    response = conflict(client, url, colleague, caseworker, theirs, mine)
    form = response.context["form"]
    assert form["status"].value() == "open"
    assert "“Active”" in " ".join(form.errors["status"])


# --- the repatriation step (its htmx fragment and its own page) -------------------------------


@pytest.mark.parametrize("htmx", [True, False])
def test_step_conflict_reapplies_only_the_second_editors_own_fields(client, world, plan, htmx):  # noqa: F811
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    url = reverse("repatriation:step", args=[s.pk])
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    headers = {"HX-Request": "true"} if htmx else {}
    theirs = {"status": StepStatus.DONE, "note": "first"}
    mine = {"due_date": due}
    response = conflict(client, url, world.liaison, world.coordinator, theirs, mine, headers)
    form = response.context["form"]
    html = response.content.decode()
    assert "Changed meanwhile: Status, Note." in html
    assert "Changed by someone else since you opened this page" in html  # the table
    assert form["status"].value() == StepStatus.DONE and form["note"].value() == "first"
    assert form["due_date"].value() == due
    s.refresh_from_db()
    assert form["version"].value() == str(s.version) and s.due_date != timezone.localdate()
    assert f'name="version" value="{s.version}"' in html

    assert client.post(url, resubmit(response), headers=headers).status_code in (200, 302)
    s.refresh_from_db()
    assert (s.status, s.note, s.due_date.isoformat()) == (StepStatus.DONE, "first", due)


def test_step_snapshot_and_conflict_leave_the_note_out_without_identity(client, world, plan):  # noqa: F811
    """The signed snapshot is readable in the page: a partner who may not see the step's
    note and reason (identity, cases.disclosure) finds them neither in the snapshot nor in
    the re-shown form."""
    from django.core import signing

    from cases import access
    from config.formtools import SNAPSHOT_SALT

    partner = UserFactory(username="p-coord", organization=world.other, role=Role.COORDINATOR)
    access.grant(world.case, world.other, [access.VIEW, access.UPDATE_REPATRIATION])
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    url = reverse("repatriation:step", args=[s.pk])
    client.force_login(partner)
    b = form_data(client, url)
    assert "note" not in b and "reason" not in b
    assert set(signing.loads(b["original"], salt=SNAPSHOT_SALT)) == {"status", "due_date"}
    client.force_login(world.liaison)
    a = form_data(client, url)
    a["note"] = "Shelter in Johor"
    a["status"] = StepStatus.IN_PROGRESS
    client.post(url, a)

    client.force_login(partner)
    b["due_date"] = ""
    response = client.post(url, b)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Johor" not in html and "Changed meanwhile: Status." in html
    assert "note" not in signing.loads(
        response.context["form"].data["original"], salt=SNAPSHOT_SALT
    )
