"""Referral transitions: consent, the grants each leaves, and who may make them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import TimelineEntry
from cases.vocab import ConsentPurpose
from notifications.models import Notification
from partners.roles import Role
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.factories import OrganizationFactory, UserFactory

from .conftest import give_consent

pytestmark = pytest.mark.django_db

REPATRIATION_PERMS = {access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION}


def refer(by, case, to, service="repatriation", urgency="urgent", **kw):
    return services.referral_create(
        by=by, case=case, to_organization=to, service=service, urgency=urgency, **kw
    )


# --- consent ------------------------------------------------------------------------------


def test_refused_without_share_consent(caseworker, case_in, shelter):
    with pytest.raises(services.ConsentRequired) as exc:
        refer(caseworker, case_in, shelter, service="shelter")
    assert exc.value.missing == [ConsentPurpose.SHARE_WITH_PARTNERS]
    assert "Share with partner organisations" in exc.value.messages[0]
    assert not Referral.objects.exists()


def test_embassy_needs_embassy_contact_consent(caseworker, case_in, embassy, shelter):
    give_consent(case_in, ConsentPurpose.SHARE_WITH_PARTNERS)
    give_consent(case_in, ConsentPurpose.EMBASSY_CONTACT, granted=False)  # a refusal
    with pytest.raises(services.ConsentRequired) as exc:
        refer(caseworker, case_in, embassy)
    assert exc.value.missing == [ConsentPurpose.EMBASSY_CONTACT]
    # The shelter is not an embassy: sharing consent is enough.
    assert refer(caseworker, case_in, shelter, service="shelter").status == "pending"


def test_caseworker_cannot_override(caseworker, case_in, shelter):
    with pytest.raises(PermissionDenied):
        refer(caseworker, case_in, shelter, override_reason="He is in danger tonight.")
    assert not Referral.objects.exists()


def test_coordinator_override_is_logged(coordinator, case_in, embassy):
    referral = refer(coordinator, case_in, embassy, override_reason="Imminent danger; no phone.")
    assert referral.consent_override_reason == "Imminent danger; no phone."
    event = AccessEvent.objects.get(action=AuditAction.CONSENT_OVERRIDE)
    assert event.actor == coordinator
    assert event.detail["missing"] == ["share_partners", "embassy_contact"]
    assert event.detail["reason"] == "Imminent danger; no phone."
    assert TimelineEntry.objects.filter(case=case_in, kind="referral_consent_override").exists()


def test_override_reason_ignored_when_consent_present(coordinator, consented_case, embassy):
    referral = refer(coordinator, consented_case, embassy, override_reason="not needed")
    assert referral.consent_override_reason == ""
    assert not AccessEvent.objects.filter(action=AuditAction.CONSENT_OVERRIDE).exists()


# --- sending ------------------------------------------------------------------------------


def test_create_sets_deadline_timeline_audit_and_notifies_receivers(
    caseworker, consented_case, embassy, liaison, settings
):
    orgadmin = UserFactory(username="embadmin", organization=embassy, role=Role.ORG_ADMIN)
    before = timezone.now()
    referral = refer(caseworker, consented_case, embassy, urgency="immediate")
    hours = settings.REFERRAL_RESPONSE_HOURS["immediate"]
    assert before + timedelta(hours=hours) <= referral.respond_by
    assert referral.respond_by <= timezone.now() + timedelta(hours=hours)
    assert referral.from_organization == caseworker.organization
    assert TimelineEntry.objects.filter(case=consented_case, kind="referral_sent").exists()
    assert AccessEvent.objects.filter(
        action=AuditAction.REFERRAL, detail__transition="sent"
    ).exists()
    # Nothing granted before acceptance.
    assert access.org_perms(embassy, consented_case) == frozenset()
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"liaison"}  # not the org admin, not the sender
    assert orgadmin.notifications.count() == 0


def test_duplicate_pending_refused_other_orgs_allowed(caseworker, consented_case, embassy, shelter):
    refer(caseworker, consented_case, embassy)
    with pytest.raises(ValidationError) as exc:
        refer(caseworker, consented_case, embassy, service="legal")
    assert "already has a pending referral" in str(exc.value)
    # Several organisations at once is fine.
    refer(caseworker, consented_case, shelter, service="shelter")
    assert Referral.objects.filter(case=consented_case, status="pending").count() == 2


def test_cannot_refer_to_own_or_inactive_org(caseworker, consented_case, org):
    closed = OrganizationFactory(code="closed", is_active=False)
    for target in (org, closed):
        with pytest.raises(ValidationError):
            refer(caseworker, consented_case, target)


def test_refer_needs_refer_permission(consented_case, embassy, liaison, other_caseworker):
    with pytest.raises(Http404):
        refer(other_caseworker, consented_case, embassy)


# --- accept / decline / complete / cancel ---------------------------------------------------


def test_accept_grants_service_perms_and_tells_sender(
    caseworker, coordinator, consented_case, embassy, liaison
):
    referral = refer(caseworker, consented_case, embassy)
    Notification.objects.all().delete()
    referral = services.referral_accept(by=liaison, referral=referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert set(referral.granted_perms) == REPATRIATION_PERMS
    assert access.org_perms(embassy, consented_case) == REPATRIATION_PERMS
    assert access.case_for(liaison, consented_case.pk) == consented_case
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"cw", "coord"}
    assert AccessEvent.objects.filter(action=AuditAction.GRANTED).exists()
    kinds = set(TimelineEntry.objects.filter(case=consented_case).values_list("kind", flat=True))
    assert {"referral_accepted", "access_granted"} <= kinds


@pytest.mark.parametrize(
    ("service", "perms"),
    [
        # A provider of a service records what it delivers (reintegration).
        ("shelter", {access.VIEW, access.VIEW_IDENTITY, access.RECORD_SERVICES}),
        ("law_enforcement", {access.VIEW}),
        ("other", {access.VIEW}),
    ],
)
def test_grants_by_service(caseworker, consented_case, shelter, shelter_worker, service, perms):
    referral = services.referral_accept(
        by=shelter_worker, referral=refer(caseworker, consented_case, shelter, service=service)
    )
    assert access.org_perms(shelter, consented_case) == perms
    assert set(referral.granted_perms) == perms


def test_only_receiver_may_accept(caseworker, consented_case, embassy, liaison, other_caseworker):
    referral = refer(caseworker, consented_case, embassy)
    for outsider in (caseworker, other_caseworker):
        with pytest.raises(PermissionDenied):
            services.referral_accept(by=outsider, referral=referral)
    assert Referral.objects.get(pk=referral.pk).status == "pending"


def test_decline_grants_nothing_and_needs_reason(caseworker, consented_case, embassy, liaison):
    referral = refer(caseworker, consented_case, embassy)
    with pytest.raises(ValidationError):
        services.referral_decline(by=liaison, referral=referral, reason="  ")
    referral = services.referral_decline(by=liaison, referral=referral, reason="No capacity.")
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "No capacity."
    assert access.org_perms(embassy, consented_case) == frozenset()
    with pytest.raises(Http404):
        access.case_for(liaison, consented_case.pk)
    assert Notification.objects.filter(kind="referral_declined", recipient=caseworker).exists()
    # After a decline, a new referral to the same organisation is possible.
    refer(caseworker, consented_case, embassy)


def test_complete_leaves_read_only(caseworker, consented_case, embassy, liaison):
    referral = services.referral_accept(
        by=liaison, referral=refer(caseworker, consented_case, embassy)
    )
    referral = services.referral_complete(by=liaison, referral=referral)
    assert referral.status == ReferralStatus.COMPLETED
    assert access.org_perms(embassy, consented_case) == {access.VIEW, access.VIEW_IDENTITY}
    assert set(referral.granted_perms) == {access.VIEW, access.VIEW_IDENTITY}
    assert AccessEvent.objects.filter(
        action=AuditAction.REVOKED, detail__perms=[access.UPDATE_REPATRIATION]
    ).exists()


def test_cancel_accepted_revokes_and_partner_gets_404(caseworker, consented_case, embassy, liaison):
    referral = services.referral_accept(
        by=liaison, referral=refer(caseworker, consented_case, embassy)
    )
    with pytest.raises(PermissionDenied):  # the receiver cannot cancel
        services.referral_cancel(by=liaison, referral=referral)
    referral = services.referral_cancel(by=caseworker, referral=referral)
    assert referral.status == ReferralStatus.CANCELLED
    assert access.org_perms(embassy, consented_case) == frozenset()
    with pytest.raises(Http404):
        access.case_for(liaison, consented_case.pk)
    assert Notification.objects.filter(kind="referral_cancelled", recipient=liaison).exists()
    assert TimelineEntry.objects.filter(case=consented_case, kind="access_revoked").exists()


def test_cancel_keeps_what_another_accepted_referral_needs(
    caseworker, consented_case, shelter, shelter_worker
):
    first = services.referral_accept(
        by=shelter_worker, referral=refer(caseworker, consented_case, shelter, service="shelter")
    )
    second = services.referral_accept(
        by=shelter_worker,
        referral=refer(caseworker, consented_case, shelter, service="law_enforcement"),
    )
    assert second.granted_perms == []  # view was already held through the first
    services.referral_cancel(by=caseworker, referral=first)
    # The law-enforcement referral still needs view; view identity goes.
    assert access.org_perms(shelter, consented_case) == {access.VIEW}
    second.refresh_from_db()
    assert second.granted_perms == [access.VIEW]  # it now owns the grant
    services.referral_cancel(by=caseworker, referral=second)
    assert access.org_perms(shelter, consented_case) == frozenset()


def test_pre_existing_grants_are_not_taken(caseworker, consented_case, shelter, shelter_worker):
    access.grant(consented_case, shelter, [access.VIEW])  # held before, by other means
    referral = services.referral_accept(
        by=shelter_worker, referral=refer(caseworker, consented_case, shelter, service="shelter")
    )
    assert referral.granted_perms == [access.RECORD_SERVICES, access.VIEW_IDENTITY]
    services.referral_cancel(by=caseworker, referral=referral)
    assert access.org_perms(shelter, consented_case) == {access.VIEW}


def test_invalid_transitions(caseworker, consented_case, embassy, liaison):
    referral = refer(caseworker, consented_case, embassy)
    with pytest.raises(ValidationError):
        services.referral_complete(by=liaison, referral=referral)
    services.referral_decline(by=liaison, referral=referral, reason="No")
    with pytest.raises(ValidationError):
        services.referral_accept(by=liaison, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_cancel(by=caseworker, referral=referral)


# --- reminders ----------------------------------------------------------------------------


def test_reminders_sent_once_and_escalated_when_overdue(
    caseworker, coordinator, consented_case, embassy, liaison
):
    referral = refer(caseworker, consented_case, embassy, urgency="urgent")  # 24 h
    Notification.objects.all().delete()
    now = timezone.now()
    assert services.referral_reminders_send(now=now) == (0, 0)  # not near the deadline yet
    near = referral.respond_by - timedelta(hours=2)
    assert services.referral_reminders_send(now=near) == (1, 0)
    assert services.referral_reminders_send(now=near) == (0, 0)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["liaison"]
    late = referral.respond_by + timedelta(minutes=5)
    assert services.referral_reminders_send(now=late) == (0, 1)
    assert services.referral_reminders_send(now=late) == (0, 0)
    escalations = Notification.objects.filter(kind="referral_overdue")
    assert [n.recipient.username for n in escalations] == ["coord"]
    referral.refresh_from_db()
    assert referral.reminder_sent_at == near and referral.escalated_at == late


def test_answered_referrals_get_no_reminder(caseworker, consented_case, embassy, liaison):
    referral = refer(caseworker, consented_case, embassy)
    services.referral_accept(by=liaison, referral=referral)
    later = timezone.now() + timedelta(days=10)
    assert services.referral_reminders_send(now=later) == (0, 0)


# --- the steps each party may take (the page's buttons and the services' checks) ---------


STEP_CALLS = {
    "accept": lambda by, r: services.referral_accept(by=by, referral=r),
    "decline": lambda by, r: services.referral_decline(by=by, referral=r, reason="Full tonight."),
    "complete": lambda by, r: services.referral_complete(by=by, referral=r),
    "cancel": lambda by, r: services.referral_cancel(by=by, referral=r),
}


def test_allowed_steps_per_party_and_state(caseworker, consented_case, embassy, liaison):
    stranger = UserFactory(organization=OrganizationFactory(), role=Role.CASEWORKER)
    referral = refer(caseworker, consented_case, embassy)
    assert services.allowed_steps(liaison, referral) == {"accept", "decline"}
    assert services.allowed_steps(caseworker, referral) == {"cancel"}
    assert services.allowed_steps(stranger, referral) == frozenset()
    services.referral_accept(by=liaison, referral=referral)
    referral.refresh_from_db()
    assert services.allowed_steps(liaison, referral) == {"complete"}
    assert services.allowed_steps(caseworker, referral) == {"complete", "cancel"}
    services.referral_complete(by=liaison, referral=referral)
    referral.refresh_from_db()
    assert services.allowed_steps(liaison, referral) == frozenset()
    assert services.allowed_steps(caseworker, referral) == frozenset()


@pytest.mark.parametrize("step", sorted(STEP_CALLS))
@pytest.mark.parametrize("party", ["receiver", "sender", "stranger"])
def test_a_step_not_allowed_is_refused_by_the_service(
    step, party, caseworker, consented_case, embassy, liaison
):
    stranger = UserFactory(organization=OrganizationFactory(), role=Role.CASEWORKER)
    by = {"receiver": liaison, "sender": caseworker, "stranger": stranger}[party]
    referral = refer(caseworker, consented_case, embassy)
    allowed = step in services.allowed_steps(by, referral)
    if allowed:
        STEP_CALLS[step](by, referral)
        referral.refresh_from_db()
        assert referral.status != ReferralStatus.PENDING
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            STEP_CALLS[step](by, referral)
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.PENDING
