"""Referral pages: what each side sees, the consent page, lists and the case panel."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases.vocab import ConsentPurpose
from notifications.models import Notification
from notifications.services import notification_email_send
from referrals import services
from referrals.models import Referral, ReferralService
from tests.factories import make_case

from .conftest import give_consent

pytestmark = pytest.mark.django_db

PERSON_MARKERS = ("Sokha", "សុខា", "Pov", "ពៅ", "12345678", "Jalan Ampang 12")


def refer(by, case, to, service="repatriation", urgency="urgent"):
    return services.referral_create(
        by=by,
        case=case,
        to_organization=to,
        service=service,
        urgency=urgency,
        message="Needs travel documents.",
    )


@pytest.fixture
def placed_case(consented_case):
    consented_case.current_place = "Jalan Ampang 12"
    consented_case.country_of_exploitation = "MY"
    consented_case.save()
    return consented_case


def test_refer_through_the_page(client, caseworker, placed_case, embassy, liaison):
    client.force_login(caseworker)
    url = reverse("referrals:create", args=[placed_case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert embassy.name in page.content.decode()
    response = client.post(
        url,
        {
            "to_organization": embassy.pk,
            "service": "repatriation",
            "urgency": "urgent",
            "message": "Please issue travel documents.",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.to_organization == embassy and referral.created_by == caseworker
    # The case page now lists it in the referral panel.
    case_page = client.get(placed_case.get_absolute_url()).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in case_page
    assert "Refer to a partner" in case_page


def test_consent_missing_page_says_what_to_record(client, caseworker, case_in, embassy):
    give_consent(case_in, ConsentPurpose.SHARE_WITH_PARTNERS)
    client.force_login(caseworker)
    response = client.post(
        reverse("referrals:create", args=[case_in.pk]),
        {"to_organization": embassy.pk, "service": "repatriation", "urgency": "urgent"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has not consented to: Contact with their embassy" in html
    assert "record their consent" in html
    assert "Only a coordinator may refer without consent" in html
    assert 'name="override_reason"' not in html
    assert not Referral.objects.exists()


def test_coordinator_override_through_page(client, coordinator, case_in, embassy):
    client.force_login(coordinator)
    url = reverse("referrals:create", args=[case_in.pk])
    data = {"to_organization": embassy.pk, "service": "repatriation", "urgency": "immediate"}
    first = client.post(url, data)
    assert first.status_code == 400 and 'name="override_reason"' in first.content.decode()
    second = client.post(url, {**data, "override_reason": "Boat leaves tonight."})
    assert second.status_code == 302
    assert Referral.objects.get().consent_override_reason == "Boat leaves tonight."


def test_duplicate_message_on_page(client, caseworker, consented_case, embassy):
    refer(caseworker, consented_case, embassy)
    client.force_login(caseworker)
    response = client.post(
        reverse("referrals:create", args=[consented_case.pk]),
        {"to_organization": embassy.pk, "service": "legal", "urgency": "routine"},
    )
    assert response.status_code == 400
    assert "already has a pending referral for this case" in response.content.decode()


def test_refer_page_is_404_for_foreign_case_and_403_without_refer(
    client, other_caseworker, liaison, consented_case, embassy, caseworker
):
    client.force_login(other_caseworker)
    assert client.get(reverse("referrals:create", args=[consented_case.pk])).status_code == 404
    services.referral_accept(by=liaison, referral=refer(caseworker, consented_case, embassy))
    client.force_login(liaison)  # may see the case now, but a liaison may not refer
    assert client.get(reverse("referrals:create", args=[consented_case.pk])).status_code == 403


def test_receiver_sees_no_identity_before_accepting(
    client, caseworker, placed_case, embassy, liaison
):
    referral = refer(caseworker, placed_case, embassy)
    client.force_login(liaison)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert placed_case.reference in html
    # The liaison reads Homeward in Khmer: service and country in Khmer, the message as typed.
    with translation.override(liaison.preferred_language):
        service = str(ReferralService.REPATRIATION.label)
        country = str(placed_case.country_of_exploitation.name)
    assert service != "Repatriation" and service in html and country in html
    assert "Needs travel documents." in html
    for marker in PERSON_MARKERS:
        assert marker not in html
    assert placed_case.get_absolute_url() not in html  # no link to a case they cannot open
    assert client.get(placed_case.get_absolute_url()).status_code == 404
    # Accept through the page: now the case opens.
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 302
    assert client.get(placed_case.get_absolute_url()).status_code == 200


def test_decline_through_page_needs_reason(client, caseworker, consented_case, embassy, liaison):
    referral = refer(caseworker, consented_case, embassy)
    client.force_login(liaison)
    url = reverse("referrals:decline", args=[referral.pk])
    response = client.post(url, {"reason": ""})
    # The liaison reads Homeward in Khmer (their stored preference): the page is in Khmer.
    assert response.status_code == 400 and '<html lang="km">' in response.content.decode()
    assert 'class="errorlist' in response.content.decode() or "field-error" in (
        response.content.decode()
    )
    assert client.post(url, {"reason": "Not our nationals."}).status_code == 302
    assert Referral.objects.get().status == "declined"


def test_outsiders_get_404_on_referral(
    client, caseworker, consented_case, embassy, other_caseworker
):
    referral = refer(caseworker, consented_case, embassy)
    client.force_login(other_caseworker)
    for name in ("referrals:detail",):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404
    for name in ("referrals:accept", "referrals:cancel", "referrals:complete"):
        assert client.post(reverse(name, args=[referral.pk])).status_code == 404
    assert Referral.objects.get().status == "pending"


def test_incoming_list_pending_first_overdue_flagged_flat_queries(
    client, caseworker, org, embassy, liaison, django_assert_num_queries
):
    from django.utils import timezone

    cases = [make_case(org, by=caseworker) for _ in range(4)]
    for case in cases:
        give_consent(case, ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT)
    referrals = [refer(caseworker, c, embassy) for c in cases]
    services.referral_decline(by=liaison, referral=referrals[0], reason="No")
    Referral.objects.filter(pk=referrals[1].pk).update(
        respond_by=timezone.now() - timezone.timedelta(hours=1)
    )
    client.force_login(liaison)
    url = reverse("referrals:incoming")
    client.get(url)
    with django_assert_num_queries(4):  # session, user, count, page: none per row
        html = client.get(url).content.decode()
    positions = [html.index(r.case.reference) for r in referrals]
    assert positions[1] < positions[2] < positions[3] < positions[0]  # overdue, pending…, declined
    assert html.count("is-overdue") == 1
    client.force_login(caseworker)
    out = client.get(reverse("referrals:outgoing")).content.decode()
    assert all(r.case.reference in out for r in referrals)


def test_email_body_has_no_victim_details(mailoutbox, caseworker, placed_case, embassy, liaison):
    refer(caseworker, placed_case, embassy)
    row = Notification.objects.get(recipient=liaison)
    assert notification_email_send(notification_id=row.pk)
    email = mailoutbox[0]
    assert email.to == [liaison.email]
    assert placed_case.reference in email.body
    assert reverse("referrals:detail", args=[Referral.objects.get().pk]) in email.body
    for marker in PERSON_MARKERS:
        assert marker not in email.body and marker not in email.subject
