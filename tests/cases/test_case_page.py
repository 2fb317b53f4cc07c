"""The case page and its htmx fragments: identity shown only with view_case_identity,
persons of the group redacted per case, notes and consent."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.models import CaseGroup, CaseNote, Consent, DistressCall
from cases.services import case_note_add
from partners.roles import Role
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

# Every identifying detail the world below holds; none may reach a user without identity.
SECRETS = [
    "សុខា",
    "Sokha",
    "ពៅ",
    "Pov",
    "Vannak",
    "Heng",
    "12999888",
    "AB123456",
    "1990",
    "Jetty 4, Kuala Terengganu",
    "Srey Mom",
    "85512777888",
    "Evenings after nine",
    "KN 4471",
    "Ocean Star Fisheries",
    "Beaten on deck",
    "Brother lives in Takeo",
    "Signed at the office in Takeo",
    "Mother in Kampong Speu",
]


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    partner = OrganizationFactory(name="Partner NGO", code="par", country="MY")
    worker = UserFactory(username="owner-cw", organization=owner, role=Role.CASEWORKER)
    group = CaseGroup.objects.create(owner_organization=owner)
    a = make_case(
        owner,
        by=worker,
        group=group,
        current_place="Jetty 4, Kuala Terengganu",
        person=PersonFactory.build(
            given_name="សុខា",
            family_name="ពៅ",
            given_name_latin="Sokha",
            family_name_latin="Pov",
            phone="+85512999888",
            document_number="AB123456",
            date_of_birth=date(1990, 5, 1),
            family_contacts="Mother in Kampong Speu",
        ),
    )
    b = make_case(
        owner,
        by=worker,
        group=group,
        person=PersonFactory.build(
            given_name="",
            family_name="",
            given_name_latin="Vannak",
            family_name_latin="Heng",
            phone="",
        ),
    )
    call = DistressCall.objects.create(
        organization=owner,
        logged_by=worker,
        channel="phone",
        caller_relation="family",
        caller_name="Srey Mom",
        caller_phone="+85512777888",
        callback_notes="Evenings after nine",
        vessel="KN 4471",
        employer="Ocean Star Fisheries",
        summary="Beaten on deck",
        urgency="immediate",
        reported_country="MY",
    )
    call.cases.add(a, b)
    case_note_add(case=a, body="Brother lives in Takeo", by=worker)
    Consent.objects.create(
        case=a,
        purpose="share_partners",
        granted=True,
        method="written",
        recorded_by=worker,
        note="Signed at the office in Takeo",
    )
    partner_worker = UserFactory(username="par-cw", organization=partner, role=Role.CASEWORKER)
    return {
        "owner": owner,
        "partner": partner,
        "worker": worker,
        "a": a,
        "b": b,
        "partner_worker": partner_worker,
    }


def assert_no_identity(html: str):
    leaked = [s for s in SECRETS if s in html]
    assert not leaked, f"identity leaked: {leaked}"


def test_owner_sees_everything(client, world):
    client.force_login(world["worker"])
    html = client.get(world["a"].get_absolute_url()).content.decode()
    for s in SECRETS:
        assert s in html, s
    # The other person of the group, by name and linked.
    assert world["b"].reference in html and "Vannak Heng" in html


def test_partner_with_view_only_sees_no_identity_anywhere(client, world):
    a, b = world["a"], world["b"]
    access.grant(a, world["partner"], [access.VIEW])
    access.grant(b, world["partner"], [access.VIEW])
    client.force_login(world["partner_worker"])
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_identity(html)
    assert a.pseudonym in html and b.pseudonym in html  # group shown under pseudonyms
    assert "1 note" in html  # the note exists, its body does not show
    assert "Note added" in html  # and the timeline says when
    # The fragments, too.
    assert_no_identity(client.get(reverse("cases:timeline", args=[a.pk]), **HX).content.decode())


def test_group_member_redacted_per_case(client, world):
    """Identity on case A does not reveal the name of case B of the same group."""
    a, b = world["a"], world["b"]
    access.grant(a, world["partner"], [access.VIEW, access.VIEW_IDENTITY])
    access.grant(b, world["partner"], [access.VIEW])
    client.force_login(world["partner_worker"])
    html = client.get(a.get_absolute_url()).content.decode()
    assert "Sokha" in html  # may see A
    assert "Vannak" not in html and "Heng" not in html
    assert b.pseudonym in html


def test_group_member_not_shared_is_not_mentioned(client, world):
    a, b = world["a"], world["b"]
    access.grant(a, world["partner"], [access.VIEW, access.VIEW_IDENTITY])
    client.force_login(world["partner_worker"])
    html = client.get(a.get_absolute_url()).content.decode()
    assert b.reference not in html and b.pseudonym not in html and "Vannak" not in html


def test_fragments_of_a_partner_who_may_change_but_not_see_identity(client, world):
    """Each htmx fragment a change-without-identity partner can reach stays redacted."""
    a = world["a"]
    access.grant(a, world["partner"], [access.VIEW, access.CHANGE])
    client.force_login(world["partner_worker"])
    add = client.post(reverse("cases:note_add", args=[a.pk]), {"body": "Called the port"}, **HX)
    assert add.status_code == 200
    html = add.content.decode()
    assert_no_identity(html)
    assert "Called the port" not in html  # even their own note: bodies need identity
    bad = client.post(reverse("cases:note_add", args=[a.pk]), {"body": " "}, **HX)
    assert bad.status_code == 422
    assert_no_identity(bad.content.decode())
    consent = client.post(
        reverse("cases:consent_add", args=[a.pk]),
        {
            "purpose": "repatriation",
            "granted": "on",
            "method": "verbal",
            "given_at": "2026-01-01T10:00",
            "note": "",
        },
        **HX,
    )
    assert consent.status_code == 200
    assert_no_identity(consent.content.decode())
    c = Consent.objects.get(case=a, purpose="share_partners")
    withdraw = client.post(reverse("cases:consent_withdraw", args=[a.pk, c.pk]), **HX)
    assert withdraw.status_code == 200
    assert_no_identity(withdraw.content.decode())
    note = next(n for n in CaseNote.objects.all() if n.body == "Called the port")
    # Editing needs the body, which needs identity.
    assert client.get(reverse("cases:note_edit", args=[a.pk, note.pk]), **HX).status_code == 403
    assert_no_identity(client.get(reverse("cases:timeline", args=[a.pk]), **HX).content.decode())
    assert client.get(reverse("cases:person_edit", args=[a.pk])).status_code == 403
    edit = client.get(reverse("cases:edit", args=[a.pk]))
    assert edit.status_code == 200
    assert_no_identity(edit.content.decode())


@pytest.mark.parametrize(
    ("name", "method", "kwargs"),
    [
        ("cases:detail", "get", {}),
        ("cases:edit", "get", {}),
        ("cases:person_edit", "get", {}),
        ("cases:timeline", "get", {}),
        ("cases:note_add", "post", {"body": "x"}),
        ("cases:consent_add", "post", {"purpose": "repatriation", "method": "verbal"}),
    ],
)
def test_other_organisation_gets_404_everywhere(client, world, name, method, kwargs):
    client.force_login(world["partner_worker"])
    url = reverse(name, args=[world["a"].pk])
    response = getattr(client, method)(url, kwargs, **HX)
    assert response.status_code == 404
    assert not [n for n in CaseNote.objects.all() if n.body == "x"]  # encrypted: compared in Python


def test_foreign_note_and_consent_ids_are_404(client, world, org, caseworker):
    own = make_case(org, by=caseworker)
    client.force_login(caseworker)
    note = CaseNote.objects.get(case=world["a"])
    consent = Consent.objects.get(case=world["a"])
    # Own case in the URL, someone else's note or consent id: not found.
    assert client.get(reverse("cases:note_edit", args=[own.pk, note.pk])).status_code == 404
    assert (
        client.post(reverse("cases:consent_withdraw", args=[own.pk, consent.pk])).status_code == 404
    )


# --- notes ----------------------------------------------------------------------------------


def test_add_note_with_htmx_returns_the_notes_fragment(client, world):
    client.force_login(world["worker"])
    a = world["a"]
    response = client.post(
        reverse("cases:note_add", args=[a.pk]), {"body": "Port visit done"}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="notes"')
    assert "Port visit done" in html and "Brother lives in Takeo" in html


def test_add_note_without_javascript_redirects(client, world):
    client.force_login(world["worker"])
    a = world["a"]
    response = client.post(reverse("cases:note_add", args=[a.pk]), {"body": "No JS"})
    assert response.status_code == 302 and response.url.endswith("#notes")
    assert [n for n in CaseNote.objects.all() if n.body == "No JS"]


def test_empty_note_is_refused_with_a_message(client, world):
    client.force_login(world["worker"])
    response = client.post(reverse("cases:note_add", args=[world["a"].pk]), {"body": ""}, **HX)
    assert response.status_code == 422
    assert "The note cannot be empty" in response.content.decode()


def test_edit_own_note_within_24_hours(client, world):
    client.force_login(world["worker"])
    a = world["a"]
    note = CaseNote.objects.get(case=a)
    url = reverse("cases:note_edit", args=[a.pk, note.pk])
    form = client.get(url, **HX)
    assert form.status_code == 200 and "Brother lives in Takeo" in form.content.decode()
    response = client.post(url, {"body": "Brother lives in Kampot"}, **HX)
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.body == "Brother lives in Kampot"
    assert a.timeline.filter(kind="note_edited").exists()


def test_note_cannot_be_edited_after_24_hours(client, world):
    client.force_login(world["worker"])
    a = world["a"]
    note = CaseNote.objects.get(case=a)
    CaseNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=25))
    url = reverse("cases:note_edit", args=[a.pk, note.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "changed"}).status_code == 403
    note.refresh_from_db()
    assert note.body == "Brother lives in Takeo"
    assert "Edit</a>" not in client.get(a.get_absolute_url()).content.decode()


def test_note_of_a_colleague_cannot_be_edited(client, world):
    colleague = UserFactory(username="colleague", organization=world["owner"], role=Role.CASEWORKER)
    client.force_login(colleague)
    a = world["a"]
    note = CaseNote.objects.get(case=a)
    assert (
        client.post(reverse("cases:note_edit", args=[a.pk, note.pk]), {"body": "x"}).status_code
        == 403
    )


# --- consent --------------------------------------------------------------------------------


def test_record_and_withdraw_consent(client, world):
    client.force_login(world["worker"])
    a = world["a"]
    response = client.post(
        reverse("cases:consent_add", args=[a.pk]),
        {
            "purpose": "embassy_contact",
            "granted": "on",
            "method": "verbal",
            "given_at": "2026-01-02T10:00",
            "note": "",
        },
        **HX,
    )
    assert response.status_code == 200
    consent = Consent.objects.get(case=a, purpose="embassy_contact")
    assert consent.granted and consent.recorded_by == world["worker"]
    html = response.content.decode()
    assert "Contact with their embassy" in html and "Verbal" in html
    response = client.post(reverse("cases:consent_withdraw", args=[a.pk, consent.pk]), **HX)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world["worker"]
    assert a.timeline.filter(kind="consent_withdrawn").exists()


def test_consent_form_errors(client, world):
    client.force_login(world["worker"])
    response = client.post(
        reverse("cases:consent_add", args=[world["a"].pk]),
        {"purpose": "", "method": "", "given_at": "2999-01-01T10:00"},
        **HX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_purpose_error"' in html and 'id="id_method_error"' in html
    assert "cannot be given in the future" in html
