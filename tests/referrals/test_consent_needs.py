"""The referral form shows the consents the chosen organisation and service need, and lets the
caseworker record the missing ones in place (issue 16 item 12)."""

import pytest
from django.urls import reverse

from cases.models import Consent
from cases.vocab import ConsentPurpose
from partners.roles import Role
from referrals.models import ReferralService
from referrals.services import required_consents
from tests.factories import UserFactory

from .conftest import give_consent

pytestmark = pytest.mark.django_db

SHARE, EMBASSY = ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT


def needs_url(case):
    return reverse("referrals:consent_needs", args=[case.pk])


def record_url(case):
    return reverse("referrals:consent_record", args=[case.pk])


def record_data(to, purpose, **extra):
    prefix = f"consent-{purpose}"
    return {
        # The whole referral form travels with the button (htmx includes the enclosing form).
        "to_organization": to.pk,
        "service": "repatriation",
        "urgency": "urgent",
        "message": "Typed before recording consent.",
        "consent_purpose": purpose,
        f"{prefix}-purpose": purpose,
        f"{prefix}-method": "verbal",
        f"{prefix}-granted": "on",
        f"{prefix}-given_at": "2026-01-05T10:00",
        **extra,
    }


def need_items(html):
    """(purpose, missing) of each requirement in the partial."""
    import re

    return re.findall(r'class="consent-need( missing)?" data-purpose="([a-z_]+)"', html)


@pytest.mark.parametrize("service", ReferralService.values)
@pytest.mark.parametrize("receiver", ["embassy", "shelter"])
def test_requirement_partial_for_each_service(
    client, caseworker, case_in, embassy, shelter, service, receiver
):
    to = {"embassy": embassy, "shelter": shelter}[receiver]
    give_consent(case_in, SHARE)
    client.force_login(caseworker)
    response = client.get(
        needs_url(case_in), {"to_organization": to.pk, "service": service}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The rule referral_create applies, not a copy of it.
    expected = required_consents(to)
    assert [purpose for _missing, purpose in need_items(html)] == expected
    missing = {purpose for flag, purpose in need_items(html) if flag}
    assert missing == ({EMBASSY.value} if receiver == "embassy" else set())
    assert str(ReferralService(service).label) in html
    if receiver == "embassy":
        assert "Contact with their embassy" in html
        assert f'value="{EMBASSY.value}"' in html  # the in-place record button
        assert html.count('name="consent_purpose"') == 1


def test_no_organisation_chosen_shows_nothing(client, caseworker, case_in):
    client.force_login(caseworker)
    response = client.get(needs_url(case_in), {"to_organization": "", "service": "shelter"})
    assert response.status_code == 200
    assert need_items(response.content.decode()) == []


def test_create_page_shows_the_needs_panel(client, caseworker, case_in, embassy):
    client.force_login(caseworker)
    html = client.get(reverse("referrals:create", args=[case_in.pk])).content.decode()
    assert 'id="consent-needs"' in html and needs_url(case_in) in html
    # After a refused submit the panel lists what is missing, with the in-place forms.
    response = client.post(
        reverse("referrals:create", args=[case_in.pk]),
        {"to_organization": embassy.pk, "service": "repatriation", "urgency": "urgent"},
    )
    assert response.status_code == 400
    assert {p for _m, p in need_items(response.content.decode())} == {SHARE.value, EMBASSY.value}


def test_recording_consents_in_place_then_referring(client, caseworker, case_in, embassy):
    client.force_login(caseworker)
    for purpose in (SHARE, EMBASSY):
        data = record_data(embassy, purpose, **{"consent-embassy_contact-method": "written"})
        response = client.post(record_url(case_in), data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        consent = Consent.objects.get(case=case_in, purpose=purpose)
        assert consent.granted and consent.recorded_by == caseworker
        assert consent.method == ("verbal" if purpose == SHARE else "written")
        html = response.content.decode()
        if purpose == SHARE:
            # What was chosen in the other mini-form is kept.
            assert '<option value="written" selected>' in html
        # Only the requirement list comes back: no referral form to overwrite.
        assert "<form" not in html and 'name="message"' not in html
    assert all(not flag for flag, _p in need_items(html))
    assert case_in.timeline.filter(kind="consent_recorded").count() == 2
    response = client.post(
        reverse("referrals:create", args=[case_in.pk]),
        {"to_organization": embassy.pk, "service": "repatriation", "urgency": "urgent"},
    )
    assert response.status_code == 302
    assert case_in.referrals.get().to_organization == embassy


def test_invalid_consent_shows_errors_in_place(client, caseworker, case_in, embassy):
    client.force_login(caseworker)
    data = record_data(embassy, SHARE, **{"consent-share_partners-method": ""})
    response = client.post(record_url(case_in), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not Consent.objects.filter(case=case_in).exists()
    assert "This field is required." in response.content.decode()


def test_unknown_purpose_is_refused(client, caseworker, case_in, embassy):
    client.force_login(caseworker)
    response = client.post(record_url(case_in), record_data(embassy, "everything"))
    assert response.status_code == 400
    assert not Consent.objects.filter(case=case_in).exists()


def test_case_of_another_organisation_answers_404(client, caseworker, case_out, embassy):
    client.force_login(caseworker)
    response = client.post(record_url(case_out), record_data(embassy, SHARE))
    assert response.status_code == 404
    assert client.get(needs_url(case_out), {"to_organization": embassy.pk}).status_code == 404
    assert not Consent.objects.filter(case=case_out).exists()


def test_user_without_change_right_gets_403(client, org, case_in, embassy):
    liaison = UserFactory(username="ownliaison", organization=org, role=Role.LIAISON)
    client.force_login(liaison)
    response = client.post(record_url(case_in), record_data(embassy, SHARE))
    assert response.status_code == 403
    assert not Consent.objects.filter(case=case_in).exists()


def test_withdrawn_consent_is_named(client, caseworker, case_in, embassy):
    from cases.services import consent_withdraw

    give_consent(case_in, SHARE, EMBASSY)
    consent_withdraw(consent=Consent.objects.get(case=case_in, purpose=EMBASSY), by=caseworker)
    client.force_login(caseworker)
    html = client.get(
        needs_url(case_in), {"to_organization": embassy.pk, "service": "repatriation"}
    ).content.decode()
    assert "Withdrawn by the person" in html
    assert [p for flag, p in need_items(html) if flag] == [EMBASSY.value]
