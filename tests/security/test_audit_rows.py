"""One AccessEvent for each kind of access issue 7 lists — identity view, PDF request and
download, API read, referral transitions, permission grant and revoke, login, failed login,
logout — each telling who, which organisation, when, what, which record and from where; and
the log cannot be changed or deleted through the admin. (The PostgreSQL trigger refusing
UPDATE and DELETE is tested in tests/test_platform.py.)"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from audit.models import AccessEvent, AuditAction
from audit.services import audit_record
from cases.services import consent_record
from exports.models import Export, ExportStatus
from partners.models import OrganizationKind, User
from partners.roles import Role
from referrals import services as referrals
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")


@pytest.fixture
def shelter(db):
    return OrganizationFactory(
        name="Penang Shelter", code="pns", country="MY", kind=OrganizationKind.SHELTER
    )


@pytest.fixture
def coordinator(owner):
    return UserFactory(username="coord", organization=owner, role=Role.COORDINATOR)


@pytest.fixture
def shelter_worker(shelter):
    return UserFactory(username="pns-cw", organization=shelter, role=Role.CASEWORKER)


@pytest.fixture
def case(owner, coordinator):
    case = make_case(owner, by=coordinator)
    consent_record(
        case=case, by=coordinator, purpose="share_partners", granted=True, method="written"
    )
    return case


def only_event(action, **filters) -> AccessEvent:
    events = AccessEvent.objects.filter(action=action, **filters)
    assert events.count() == 1, list(events.values("action", "detail"))
    return events.get()


def assert_who_what_where(event, user, case=None, ip=IP):
    assert event.actor == user
    assert event.organization_id == user.organization_id
    assert event.organization_name == user.organization.name
    assert abs(event.at - timezone.now()).total_seconds() < 60
    assert event.ip_address == ip
    if case is not None:
        assert event.target_type == "cases.case"
        assert event.target_id == str(case.pk)
        assert event.target_label == case.reference  # never a name


def test_identity_view_of_a_case(client, coordinator, case):
    client.force_login(coordinator)
    assert client.get(case.get_absolute_url(), REMOTE_ADDR=IP).status_code == 200
    assert_who_what_where(only_event(AuditAction.VIEWED_IDENTITY), coordinator, case)


def test_pdf_request(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("exports:request", args=[case.pk]), {"purpose": "court"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    event = only_event(AuditAction.EXPORT_REQUESTED)
    assert_who_what_where(event, coordinator, case)
    assert event.detail == {"export": Export.objects.get().pk, "purpose": "court"}


def test_pdf_download(client, coordinator, case, owner):
    relative = f"exports/audit-test-{case.pk}.pdf"
    path = Path(settings.PRIVATE_FILES_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 test")
    export = Export.objects.create(
        requested_by=coordinator,
        organization=owner,
        case=case,
        purpose="court",
        status=ExportStatus.READY,
        file_path=relative,
        queued_at=timezone.now(),
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    try:
        client.force_login(coordinator)
        response = client.get(reverse("exports:download", args=[export.pk]), REMOTE_ADDR=IP)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    finally:
        path.unlink(missing_ok=True)
    event = only_event(AuditAction.EXPORT_DOWNLOADED)
    assert_who_what_where(event, coordinator, case)
    assert event.detail["export"] == export.pk


def test_api_read_of_a_case(coordinator, case):
    api = APIClient()
    _token, raw = ApiToken.issue(user=coordinator)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get(f"/api/v1/cases/{case.pk}/", REMOTE_ADDR=IP)
    assert response.status_code == 200
    event = only_event(AuditAction.VIEWED_IDENTITY, detail__via="api")
    assert_who_what_where(event, coordinator, case)


@pytest.mark.parametrize("ending", ["declined", "completed", "cancelled"])
def test_referral_transitions(rf, coordinator, shelter, shelter_worker, case, ending):
    request = rf.get("/", REMOTE_ADDR=IP)
    referral = referrals.referral_create(
        by=coordinator,
        case=case,
        to_organization=shelter,
        service="shelter",
        urgency="urgent",
        request=request,
    )
    if ending == "declined":
        referrals.referral_decline(
            by=shelter_worker, referral=referral, reason="No bed free", request=request
        )
        expected = ["sent", "declined"]
    else:
        referrals.referral_accept(by=shelter_worker, referral=referral, request=request)
        if ending == "completed":
            referrals.referral_complete(by=shelter_worker, referral=referral, request=request)
        else:
            referrals.referral_cancel(by=coordinator, referral=referral, request=request)
        expected = ["sent", "accepted", ending]
    events = list(AccessEvent.objects.filter(action=AuditAction.REFERRAL).order_by("id"))
    assert [e.detail["transition"] for e in events] == expected
    for event in events:
        by = coordinator if event.detail["transition"] in ("sent", "cancelled") else shelter_worker
        assert_who_what_where(event, by, case)
        assert event.detail["referral"] == referral.pk and event.detail["to"] == shelter.code


def test_permission_grant(rf, coordinator, shelter, shelter_worker, case):
    request = rf.get("/", REMOTE_ADDR=IP)
    referral = referrals.referral_create(
        by=coordinator, case=case, to_organization=shelter, service="shelter", urgency="urgent"
    )
    referrals.referral_accept(by=shelter_worker, referral=referral, request=request)
    event = only_event(AuditAction.GRANTED)
    assert_who_what_where(event, shelter_worker, case)
    assert event.detail == {
        "organization": shelter.code,
        # A shelter records the services it delivers (reintegration).
        "perms": ["record_services", "view_case", "view_case_identity"],
        "referral": referral.pk,
    }


def test_permission_revoke(rf, coordinator, shelter, shelter_worker, case):
    request = rf.get("/", REMOTE_ADDR=IP)
    referral = referrals.referral_create(
        by=coordinator, case=case, to_organization=shelter, service="shelter", urgency="urgent"
    )
    referrals.referral_accept(by=shelter_worker, referral=referral)
    referrals.referral_cancel(by=coordinator, referral=referral, request=request)
    event = only_event(AuditAction.REVOKED)
    assert_who_what_where(event, coordinator, case)
    assert event.detail["organization"] == shelter.code
    assert event.detail["perms"] == ["record_services", "view_case", "view_case_identity"]


def test_login(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coord", "password": PASSWORD}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    event = only_event(AuditAction.LOGIN)
    assert_who_what_where(event, coordinator)


def test_failed_login(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coord", "password": "not-the-password"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200
    event = only_event(AuditAction.LOGIN_FAILED)
    assert event.actor is None and event.ip_address == IP
    assert event.detail == {"username": "coord"}  # the password tried is never kept
    assert "not-the-password" not in str(event.detail)


def test_logout(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    assert_who_what_where(only_event(AuditAction.LOGOUT), coordinator)


@pytest.fixture
def superuser(owner):
    return User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org", organization=owner
    )


def test_admin_refuses_change_and_delete(client, superuser, coordinator):
    event = audit_record(action=AuditAction.VIEWED_CASE, actor=coordinator)
    client.force_login(superuser)
    change_url = reverse("admin:audit_accessevent_change", args=[event.pk])
    # Read-only view: the page shows the event but offers no save.
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"action": "logout"}).status_code == 403
    delete_url = reverse("admin:audit_accessevent_delete", args=[event.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_accessevent_add")).status_code == 403
    # The bulk "delete selected" action is not offered either.
    changelist = client.get(reverse("admin:audit_accessevent_changelist")).content.decode()
    assert "delete_selected" not in changelist
    event.refresh_from_db()
    assert event.action == AuditAction.VIEWED_CASE
    assert AccessEvent.objects.filter(pk=event.pk).exists()
