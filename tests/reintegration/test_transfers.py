"""Case transfer: ownership and grants move exactly, through cases.access.transfer_ownership;
consent, a second pending transfer, who may ask and answer; notifications carry no identity."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases import access
from cases.models import Case, TimelineEntry
from cases.services import consent_withdraw
from notifications.models import Notification
from partners.roles import ALL_CASE_PERMS
from referrals.services import referral_complete
from reintegration import followups, transfers
from reintegration.models import FollowUp, Transfer

pytestmark = pytest.mark.django_db


def ask(w, to=None, keep_read=False, by=None):
    return transfers.transfer_request(
        case=w.case,
        by=by or w.coordinator,
        to_organization=to or w.provider,
        reason="The person is home in Cambodia now.",
        keep_read=keep_read,
    )


def test_acceptance_moves_ownership_and_grants_exactly(w):
    reference = w.case.reference
    before_police = access.org_perms(w.police, w.case)
    t = ask(w)
    assert Case.objects.get(pk=w.case.pk).owner_organization == w.owner  # not before acceptance
    transfers.transfer_accept(transfer=t, by=w.provider_coord)
    case = Case.objects.get(pk=w.case.pk)
    assert case.owner_organization == w.provider
    assert case.reference == reference
    assert access.org_perms(w.provider, case) == frozenset(ALL_CASE_PERMS)
    assert access.org_perms(w.owner, case) == frozenset()
    assert access.org_perms(w.police, case) == before_police  # a third party: unchanged
    t.refresh_from_db()
    assert (t.status, t.answered_by) == ("accepted", w.provider_coord)
    entry = TimelineEntry.objects.get(case=case, kind="case_transferred")
    assert entry.data == {"from_org": w.owner.name, "to_org": w.provider.name}
    # The change history of the case shows the new owner.
    assert case.history.first().owner_organization_id == w.provider.pk


def test_the_old_owner_keeps_read_access_only_if_asked(w):
    transfers.transfer_accept(transfer=ask(w, keep_read=True), by=w.provider_coord)
    assert access.org_perms(w.owner, w.case) == {access.VIEW, access.VIEW_IDENTITY}
    with pytest.raises(PermissionDenied):
        access.require(w.caseworker, Case.objects.get(pk=w.case.pk), access.CHANGE)


def test_the_new_owners_old_referral_ends_without_touching_its_ownership(w):
    transfers.transfer_accept(transfer=ask(w), by=w.provider_coord)
    w.referral.refresh_from_db()
    assert w.referral.granted_perms == []
    referral_complete(by=w.provider_cw, referral=w.referral)
    assert access.org_perms(w.provider, w.case) == frozenset(ALL_CASE_PERMS)


def test_open_follow_ups_pass_to_the_new_owner(w):
    followups.reintegration_start(
        case=w.case, by=w.caseworker, returned_on=w.case.created_at.date()
    )
    transfers.transfer_accept(transfer=ask(w), by=w.provider_coord)
    assert set(FollowUp.objects.values_list("assigned_organization", flat=True)) == {w.provider.pk}


def test_a_transfer_without_consent_is_refused(w):
    consent_withdraw(by=w.caseworker, consent=w.case.consents.get())
    with pytest.raises(ValidationError) as err:
        ask(w)
    assert "has not consented to: Share with partner organisations" in err.value.messages[0]
    assert not Transfer.objects.exists()


def test_consent_withdrawn_before_acceptance_stops_it(w):
    t = ask(w)
    consent_withdraw(by=w.caseworker, consent=w.case.consents.get())
    with pytest.raises(ValidationError):
        transfers.transfer_accept(transfer=t, by=w.provider_coord)
    assert Case.objects.get(pk=w.case.pk).owner_organization == w.owner


def test_a_second_pending_transfer_is_refused_by_the_service_and_the_database(w):
    t = ask(w)
    with pytest.raises(ValidationError) as err:
        ask(w, to=w.other)
    assert err.value.messages == ["A transfer of this case is already waiting for an answer."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            case=w.case,
            from_organization=w.owner,
            to_organization=w.other,
            reason="x",
            requested_by=w.coordinator,
        )
    transfers.transfer_decline(transfer=t, by=w.provider_coord, reason="No capacity")
    ask(w, to=w.other)  # once answered, a new one may be asked


def test_who_may_ask_and_answer(w):
    with pytest.raises(PermissionDenied):  # a caseworker: not a right of the role
        ask(w, by=w.caseworker)
    with pytest.raises(PermissionDenied):  # a partner's coordinator: not the owner
        ask(w, by=w.provider_coord, to=w.other)
    with pytest.raises(ValidationError):  # to the owner itself
        ask(w, to=w.owner)
    t = ask(w)
    with pytest.raises(PermissionDenied):  # the sender does not accept its own
        transfers.transfer_accept(transfer=t, by=w.coordinator)
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(transfer=t, by=w.provider_cw)
    with pytest.raises(PermissionDenied):
        transfers.transfer_cancel(transfer=t, by=w.provider_coord)
    transfers.transfer_cancel(transfer=t, by=w.coordinator)
    with pytest.raises(ValidationError):
        transfers.transfer_accept(transfer=t, by=w.provider_coord)


def test_both_sides_are_told_without_identity(w):
    t = ask(w)
    transfers.transfer_accept(transfer=t, by=w.provider_coord)
    texts = list(Notification.objects.values_list("recipient__username", "message"))
    ref = w.case.reference
    assert ("pcoord", f"{w.owner.name} asks you to take over case {ref}") in texts
    assert ("coord", f"{w.provider.name} accepted case {ref}: it is theirs now") in texts
    person = w.case.person
    for _user, message in texts:
        for secret in (person.given_name, person.family_name_latin, str(person.phone)):
            assert secret not in message


def test_pages_request_answer_and_decline_reason(client, w):
    client.force_login(w.coordinator)
    url = reverse("reintegration:transfer_request", args=[w.case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_organization": w.provider.pk, "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"to_organization": w.provider.pk, "reason": "Home now"})
    assert response.status_code == 302
    t = Transfer.objects.get()
    detail = reverse("reintegration:transfer", args=[t.pk])
    client.force_login(w.other_cw)
    assert client.get(detail).status_code in (403, 404)
    client.force_login(w.provider_coord)
    page = client.get(detail).content.decode()
    assert "Home now" in page and w.case.person.family_name_latin not in page
    decline = reverse("reintegration:transfer_action", args=[t.pk, "decline"])
    assert client.post(decline, {"decline_reason": ""}).status_code == 400
    accept = reverse("reintegration:transfer_action", args=[t.pk, "accept"])
    assert client.post(accept).status_code == 302
    assert Case.objects.get(pk=w.case.pk).owner_organization == w.provider
    client.force_login(w.caseworker)
    assert client.get(reverse("cases:detail", args=[w.case.pk])).status_code == 404
