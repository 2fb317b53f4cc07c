"""Change history (django-simple-history) of a case, its person, consent, referrals and
repatriation steps: recorded with the user, shown to those who may see the case, identity
values only to those who may see identity, choice values as labels in the reader's language."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from cases import access, history
from cases.models import Case, Consent, Person
from cases.services import case_update, consent_record, consent_withdraw, person_update
from partners.roles import Role
from referrals.models import Referral
from referrals.services import referral_accept, referral_create
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

SECRET_NAMES = ["ពៅ", "Pov", "Chann", "ចាន់", "85512999888", "85512000111", "AB123456", "1990"]


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    partner = OrganizationFactory(name="Partner NGO", code="par", country="MY")
    stranger_org = OrganizationFactory(name="Stranger NGO", code="str", country="TH")
    worker = UserFactory(
        username="owner-cw", organization=owner, role=Role.CASEWORKER, first_name="Dara"
    )
    case = make_case(
        owner,
        by=worker,
        person=PersonFactory.build(
            given_name="សុខា",
            family_name="ពៅ",
            given_name_latin="Sokha",
            family_name_latin="Pov",
            phone="+85512999888",
            document_number="AB123456",
            date_of_birth=date(1990, 5, 1),
        ),
    )
    partner_worker = UserFactory(username="par-cw", organization=partner, role=Role.CASEWORKER)
    stranger = UserFactory(username="str-cw", organization=stranger_org, role=Role.CASEWORKER)
    return {
        "owner": owner,
        "partner": partner,
        "worker": worker,
        "case": case,
        "partner_worker": partner_worker,
        "stranger": stranger,
    }


def _change_identity(world):
    case = Case.objects.get(pk=world["case"].pk)
    person_update(
        case=case,
        by=world["worker"],
        version=case.version,
        changes={
            "family_name": "ចាន់",
            "family_name_latin": "Chann",
            "phone": "+85512000111",
            "document_number": "",
        },
    )


def test_each_tracked_model_records_versions_with_the_user(client, world):
    case, worker = world["case"], world["worker"]
    client.force_login(worker)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "version": case.version,
            "status": "active",
            "urgency": case.urgency,
            "trafficking_status": case.trafficking_status,
            "exploitation_types": ["forced_labour"],
            "industry": "03.11",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    latest = case.history.first()
    assert latest.history_user == worker
    assert latest.status == "active"
    consent = consent_record(
        case=case, by=worker, purpose="share_partners", granted=True, method="verbal"
    )
    consent_withdraw(consent=consent, by=worker)
    assert Consent.history.filter(id=consent.pk).count() == 2
    assert Person.history.filter(id=case.person_id).count() == 1
    _change_identity(world)
    assert Person.history.filter(id=case.person_id).count() == 2


def test_history_page_shows_labels_and_user(client, world):
    case, worker = world["case"], world["worker"]
    current = Case.objects.get(pk=case.pk)
    case_update(case=current, by=worker, version=current.version, changes={"status": "active"})
    client.force_login(worker)
    html = client.get(reverse("cases:history", args=[case.pk])).content.decode()
    assert "Open" in html and "Active" in html  # labels, not codes
    assert ">active<" not in html


def test_history_entries_name_the_user_and_show_labels(world):
    case, worker = world["case"], world["worker"]
    current = Case.objects.get(pk=case.pk)
    case_update(case=current, by=worker, version=current.version, changes={"urgency": "urgent"})
    perms = access.perms_for(worker, current)
    with translation.override("en"):
        english = history.entries_for(worker, current, perms)[0]
    assert [c.new for c in english.changes] == ["Urgent"]
    assert english.user == worker


def test_owner_sees_identity_changes_with_values(client, world):
    _change_identity(world)
    client.force_login(world["worker"])
    html = client.get(reverse("cases:history", args=[world["case"].pk])).content.decode()
    assert "Chann" in html and "ចាន់" in html and "85512000111" in html


def test_partner_without_identity_sees_only_that_identity_changed(client, world):
    case, partner = world["case"], world["partner"]
    access.grant(case, partner, [access.VIEW])
    _change_identity(world)
    current = Case.objects.get(pk=case.pk)
    case_update(
        case=current, by=world["worker"], version=current.version, changes={"urgency": "urgent"}
    )
    client.force_login(world["partner_worker"])
    response = client.get(reverse("cases:history", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    leaked = [s for s in SECRET_NAMES if s in html]
    assert not leaked, f"identity leaked: {leaked}"
    assert "changed (value hidden)" in html
    assert "Urgent" in html  # non-identity changes are shown


def test_stranger_gets_404_and_anonymous_is_sent_to_login(client, world):
    url = reverse("cases:history", args=[world["case"].pk])
    assert client.get(url).status_code == 302
    client.force_login(world["stranger"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("cases:history", args=[999999])).status_code == 404


def test_case_page_links_to_history(client, world):
    client.force_login(world["worker"])
    html = client.get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert reverse("cases:history", args=[world["case"].pk]) in html


def test_referral_history_only_for_organisations_involved(client, world):
    case, worker, partner = world["case"], world["worker"], world["partner"]
    consent_record(case=case, by=worker, purpose="share_partners", granted=True, method="verbal")
    referral = referral_create(
        by=worker, case=case, to_organization=partner, service="shelter", urgency="routine"
    )
    referral_accept(by=world["partner_worker"], referral=referral)
    assert Referral.history.filter(id=referral.pk).count() == 2
    # A third organisation that sees the case does not see referrals it is not part of.
    third = world["stranger"].organization
    access.grant(case, third, [access.VIEW])
    perms = access.perms_for(world["stranger"], case)
    whats = [e.what for e in history.entries_for(world["stranger"], case, perms)]
    assert not any("Referral" in w for w in whats)
    perms = access.perms_for(worker, case)
    entries = history.entries_for(worker, case, perms)
    accepted = [e for e in entries if e.what.startswith("Referral") and e.kind == "changed"]
    assert accepted and any(c.new == "Accepted" for c in accepted[0].changes)


def test_history_page_with_identity_is_an_audited_identity_view(client, world):
    from audit.models import AccessEvent, AuditAction

    client.force_login(world["worker"])
    client.get(reverse("cases:history", args=[world["case"].pk]), REMOTE_ADDR="203.0.113.9")
    event = AccessEvent.objects.get(action=AuditAction.VIEWED_IDENTITY, detail={"page": "history"})
    assert event.actor == world["worker"] and event.target_id == str(world["case"].pk)
    assert event.ip_address == "203.0.113.9"
    # A reader without identity sees no identity: no identity view is logged.
    access.grant(world["case"], world["partner"], [access.VIEW])
    client.force_login(world["partner_worker"])
    client.get(reverse("cases:history", args=[world["case"].pk]))
    assert AccessEvent.objects.filter(action=AuditAction.VIEWED_IDENTITY).count() == 1


def test_rows_without_history_show_their_earliest_known_version(world):
    # A case loaded without history (the benchmark's COPY): its first history row is a
    # change whose old values are unknown.
    case = world["case"]
    Case.history.filter(id=case.pk).delete()
    current = Case.objects.get(pk=case.pk)
    case_update(
        case=current, by=world["worker"], version=current.version, changes={"urgency": "urgent"}
    )
    perms = access.perms_for(world["worker"], current)
    entry = [e for e in history.entries_for(world["worker"], current, perms) if e.what == "Case"][0]
    assert entry.kind == "earliest" and entry.title == "Case: earliest version recorded"
    assert all(c.old is None for c in entry.changes)
    assert {"urgency": "Urgent"}.items() <= {c.field: c.new for c in entry.changes}.items()
