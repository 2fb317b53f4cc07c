"""Free text that may identify the person — consent notes, repatriation step notes — reaches
only users who may view the identity: in the API, on the case page, on the step page and its
htmx fragment, and on "My repatriations". Found by the security sweep (issue 7)."""

import pytest
from django.urls import reverse

from cases import access
from repatriation.models import RepatriationStep
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

MARK = "Sokha-signed-with-her-aunt-Chenda"


@pytest.fixture
def world(db):
    w = build_world(text=MARK)
    # build_world also gives the caseworker that name; a staff name is not the person's.
    w.users["owner_caseworker"].first_name = "Dara"
    w.users["owner_caseworker"].last_name = "Chan"
    w.users["owner_caseworker"].save(update_fields=["first_name", "last_name"])
    # A partner holding the case without its identity (as a law-enforcement referral would),
    # and responsible for a step: it sees the plan on "My repatriations".
    access.grant(w.case, w.orgs["other"], [access.VIEW])
    RepatriationStep.objects.filter(pk=w.step.pk).update(
        note=MARK, responsible_organization=w.orgs["other"]
    )
    return w


def _pages(w):
    return [
        (reverse("api:case-consents", kwargs={"case_pk": w.case.pk}), {}),
        (reverse("cases:detail", kwargs={"pk": w.case.pk}), {}),
        (reverse("cases:history", kwargs={"pk": w.case.pk}), {}),
        (reverse("cases:timeline", kwargs={"pk": w.case.pk}), {}),
        (reverse("api:case-note-list", kwargs={"case_pk": w.case.pk}), {}),
        (reverse("repatriation:step", kwargs={"pk": w.step.pk}), {}),
        (reverse("repatriation:step", kwargs={"pk": w.step.pk}), {"HTTP_HX_REQUEST": "true"}),
        (reverse("repatriation:mine"), {}),
    ]


def test_notes_are_hidden_without_view_identity(client, world):
    viewer = world.users["other_org"]
    assert access.perms_for(viewer, world.case) == {access.VIEW}
    client.force_login(viewer)
    for url, headers in _pages(world):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert MARK not in response.content.decode(), url
    consents = client.get(reverse("api:case-consents", kwargs={"case_pk": world.case.pk})).json()
    assert consents and all("note" not in c for c in consents)


def test_notes_are_shown_with_view_identity(client, world):
    """The same pages show the notes to the owner, so the test above hides something real."""
    client.force_login(world.users["owner_coordinator"])
    for url, headers in _pages(world):
        if "mine" in url or "timeline" in url:
            continue  # the owner is not on the plan's route; the timeline holds no free text
        body = client.get(url, **headers).content.decode()
        assert MARK in body, url


def test_a_step_saved_without_view_identity_keeps_its_note(client, world):
    """Updating a step needs update_repatriation; without view-identity the note is neither
    shown in the form nor overwritten."""
    access.grant(world.case, world.orgs["other"], [access.UPDATE_REPATRIATION])
    world.users["other_org"].role = "liaison"
    world.users["other_org"].save(update_fields=["role"])
    step = RepatriationStep.objects.get(pk=world.step.pk)
    client.force_login(world.users["other_org"])
    url = reverse("repatriation:step", kwargs={"pk": step.pk})
    page = client.get(url).content.decode()
    assert MARK not in page and 'name="note"' not in page
    response = client.post(
        url,
        {
            "status": "in_progress",
            "due_date": "",
            "note": "",
            "reason": "",
            "version": step.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    step.refresh_from_db()
    assert step.status == "in_progress" and step.note == MARK
