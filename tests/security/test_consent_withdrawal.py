"""A consent withdrawal takes effect at once: no new referral (page and service, not even
with a coordinator's override) and no export for the withdrawn purpose (request, render,
download); the partners holding the case are notified, without the person's details."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent
from cases.services import consent_record, consent_withdraw
from exports import services as exports
from exports.models import Export, ExportStatus
from notifications.models import Notification
from partners.models import OrganizationKind
from partners.roles import Role
from referrals import services as referrals
from referrals.models import Referral
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

IDENTITY = ["សុខា", "ពៅ", "Sokha", "Pov", "85512999888"]


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    shelter = OrganizationFactory(
        name="Shelter MY", code="shm", country="MY", kind=OrganizationKind.SHELTER
    )
    legal = OrganizationFactory(name="Legal Aid TH", code="lat", country="TH")
    bystander = OrganizationFactory(name="Unrelated NGO", code="unr", country="LA")
    coordinator = UserFactory(
        username="coord", organization=owner, role=Role.COORDINATOR, email="coord@example.org"
    )
    caseworker = UserFactory(username="cw", organization=owner, role=Role.CASEWORKER)
    shelter_cw = UserFactory(
        username="sh-cw", organization=shelter, role=Role.CASEWORKER, email="sh@example.org"
    )
    shelter_admin = UserFactory(username="sh-admin", organization=shelter, role=Role.ORG_ADMIN)
    bystander_cw = UserFactory(username="un-cw", organization=bystander, role=Role.CASEWORKER)
    case = make_case(
        owner,
        by=caseworker,
        person=PersonFactory.build(
            given_name="សុខា",
            family_name="ពៅ",
            given_name_latin="Sokha",
            family_name_latin="Pov",
            phone="+85512999888",
        ),
    )
    sharing = consent_record(
        case=case, by=caseworker, purpose="share_partners", granted=True, method="written"
    )
    consent_record(
        case=case, by=caseworker, purpose="law_enforcement", granted=True, method="written"
    )
    referral = referrals.referral_create(
        by=caseworker, case=case, to_organization=shelter, service="shelter", urgency="urgent"
    )
    referrals.referral_accept(by=shelter_cw, referral=referral)
    return {
        "owner": owner,
        "shelter": shelter,
        "legal": legal,
        "coordinator": coordinator,
        "caseworker": caseworker,
        "shelter_cw": shelter_cw,
        "shelter_admin": shelter_admin,
        "bystander_cw": bystander_cw,
        "case": case,
        "sharing": sharing,
    }


def withdraw(world):
    return consent_withdraw(consent=world["sharing"], by=world["caseworker"])


def test_no_new_referral_even_with_an_override(world):
    withdraw(world)
    with pytest.raises(referrals.ConsentWithdrawn):
        referrals.referral_create(
            by=world["coordinator"],
            case=world["case"],
            to_organization=world["legal"],
            service="legal",
            urgency="urgent",
            override_reason="Safety of the person",
        )
    assert not Referral.objects.filter(to_organization=world["legal"]).exists()


def test_referral_page_refuses_with_a_clear_message(client, world):
    withdraw(world)
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("referrals:create", args=[world["case"].pk]),
        {
            "to_organization": world["legal"].pk,
            "service": "legal",
            "urgency": "urgent",
            "override_reason": "Safety of the person",
        },
    )
    assert response.status_code == 400
    assert "withdrew their consent" in response.content.decode()
    assert not Referral.objects.filter(to_organization=world["legal"]).exists()


def test_referral_allowed_again_after_new_consent(world):
    withdraw(world)
    consent_record(
        case=world["case"],
        by=world["caseworker"],
        purpose="share_partners",
        granted=True,
        method="verbal",
    )
    referral = referrals.referral_create(
        by=world["caseworker"],
        case=world["case"],
        to_organization=world["legal"],
        service="legal",
        urgency="urgent",
    )
    assert referral.pk


def test_no_export_for_the_withdrawn_purpose(client, world):
    withdraw(world)
    with pytest.raises(exports.ConsentRefused):
        exports.export_request(
            user=world["coordinator"], case_id=world["case"].pk, purpose="partner_coordination"
        )
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("exports:request", args=[world["case"].pk]), {"purpose": "partner_coordination"}
    )
    assert response.status_code == 403
    assert "withdrew consent" in response.content.decode()
    assert not Export.objects.exists()
    # Another purpose the person still agrees to is not affected.
    export = exports.export_request(
        user=world["coordinator"], case_id=world["case"].pk, purpose="court"
    )
    assert export.pk


def test_pending_export_is_not_rendered_after_withdrawal(world):
    export = Export.objects.create(
        requested_by=world["coordinator"],
        organization=world["owner"],
        case=world["case"],
        purpose="partner_coordination",
        queued_at=timezone.now(),
    )
    withdraw(world)
    assert exports.export_generate(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "withdrew consent" in export.error_message
    assert not export.file_path


def test_ready_export_is_not_downloaded_after_withdrawal(client, world):
    relative = f"exports/withdrawal-{world['case'].pk}.pdf"
    path = Path(settings.PRIVATE_FILES_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7")
    export = Export.objects.create(
        requested_by=world["coordinator"],
        organization=world["owner"],
        case=world["case"],
        purpose="partner_coordination",
        status=ExportStatus.READY,
        file_path=relative,
        queued_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    try:
        client.force_login(world["coordinator"])
        url = reverse("exports:download", args=[export.pk])
        assert client.get(url).status_code == 200
        withdraw(world)
        assert client.get(url).status_code == 403
    finally:
        path.unlink(missing_ok=True)


def test_partners_holding_the_case_are_notified_without_details(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(world)
    notes = Notification.objects.filter(kind="consent_withdrawn")
    assert {n.recipient.username for n in notes} == {"sh-cw"}  # not the owner, not strangers
    note = notes.get()
    assert world["case"].reference in note.message
    assert "Share with partner organisations" in note.message
    assert note.link == world["case"].get_absolute_url()
    leaked = [s for s in IDENTITY if s in note.message]
    assert not leaked
    emails = [m for m in mail.outbox if "sh@example.org" in m.to]
    assert len(emails) == 1
    body = emails[0].subject + emails[0].body
    assert world["case"].reference in body
    assert not [s for s in IDENTITY if s in body]


def test_withdrawing_twice_notifies_once(world):
    withdraw(world)
    withdraw(world)
    assert Notification.objects.filter(kind="consent_withdrawn").count() == 1
    assert Consent.objects.get(pk=world["sharing"].pk).withdrawn_at is not None
