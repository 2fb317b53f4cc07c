"""Web Push (notifications/push.py): subscriptions per device, the encrypted payload carries
no identity, the outbox retries a push and never doubles it, a gone device is deleted,
logging out and deactivation revoke.

The push service is real: an HTTP server on loopback (tests/notifications/pushservice.py)
that receives the signed, encrypted Web Push request; the test decrypts it with the private
key of the "browser" it generated, as the phone would."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import Consent
from cases.vocab import ConsentMethod, ConsentPurpose
from notifications import push
from notifications.models import PushDelivery, PushSubscription
from notifications.services import notify
from partners import services as partner_services
from partners.models import OrganizationKind
from partners.roles import Role
from referrals.services import referral_create
from tests.celery_worker import wait_for
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case
from tests.notifications.pushservice import Device, PushService, verify_vapid

pytestmark = pytest.mark.django_db

NAME, FAMILY, PHONE = "Sokunthea", "Chhun", "+85512345678"
ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-A146B) AppleWebKit/537.36 Chrome/131.0 Mobile"


@pytest.fixture
def service():
    with PushService() as ps:
        yield ps


def subscribe(client: Client, device: Device, endpoint: str, ua: str = ANDROID):
    return client.post(
        reverse("notifications:push_subscribe"),
        data=json.dumps(device.subscription(endpoint)),
        content_type="application/json",
        HTTP_USER_AGENT=ua,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def payloads(service: PushService, devices: dict[str, Device]) -> list[dict]:
    out = []
    for r in service.received:
        device = devices[r.path.rsplit("/", 1)[-1]]
        assert r.headers["content-encoding"] == "aes128gcm"
        out.append(json.loads(device.decrypt(r.body)))
    return out


def test_subscriptions_are_stored_per_device(caseworker, service):
    client = logged_in(caseworker)
    phone, tablet = Device(), Device()
    assert subscribe(client, phone, service.endpoint("phone")).status_code == 201
    assert subscribe(client, tablet, service.endpoint("tablet"), ua="Firefox/133.0 (X11; Linux)")
    # The same browser again is the same device: refreshed, not doubled.
    assert subscribe(client, phone, service.endpoint("phone")).status_code == 201
    subs = {s.endpoint: s for s in PushSubscription.objects.filter(user=caseworker)}
    assert set(subs) == {service.endpoint("phone"), service.endpoint("tablet")}
    assert subs[service.endpoint("phone")].label == "Chrome on Android"
    assert subs[service.endpoint("tablet")].label == "Firefox on Linux"
    page = client.get(reverse("account")).content.decode()
    assert "Chrome on Android" in page and "Firefox on Linux" in page
    assert settings.VAPID_PUBLIC_KEY in page  # push.js subscribes with it


def test_a_shared_phone_belongs_to_who_turned_it_on_last(caseworker, org, service):
    other = UserFactory(username="cw2", organization=org)
    phone = Device()
    subscribe(logged_in(caseworker), phone, service.endpoint("shared"))
    subscribe(logged_in(other), phone, service.endpoint("shared"))
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == ["cw2"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.5/push/x",  # not a push service: never a request into our network
        "https://evil.example/push/x",
        "ftp://127.0.0.1/x",
        "not a url",
    ],
)
def test_only_push_service_endpoints_are_accepted(caseworker, endpoint):
    response = subscribe(logged_in(caseworker), Device(), endpoint)
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_bad_keys_and_missing_csrf_are_refused(caseworker, service):
    client = logged_in(caseworker)
    body = Device().subscription(service.endpoint("x"))
    body["keys"]["p256dh"] = "AAAA"
    response = client.post(
        reverse("notifications:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(caseworker)
    assert subscribe(strict, Device(), service.endpoint("x")).status_code == 403
    assert not PushSubscription.objects.exists()


def test_a_new_referral_is_pushed_without_identity(
    org, caseworker, service, django_capture_on_commit_callbacks
):
    shelter = OrganizationFactory(
        name="Safe Harbour Shelter", code="safepg", kind=OrganizationKind.SHELTER, country="MY"
    )
    receiver = UserFactory(username="sw", organization=shelter, preferred_language="km")
    devices = {"sw-phone": Device()}
    subscribe(logged_in(receiver), devices["sw-phone"], service.endpoint("sw-phone"))
    person = PersonFactory.build(
        given_name=NAME, family_name=FAMILY, given_name_latin=NAME, phone=PHONE
    )
    case = make_case(org, by=caseworker, person=person, current_place="Kuantan, Pahang")
    Consent.objects.create(
        case=case,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        granted=True,
        method=ConsentMethod.VERBAL,
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            by=caseworker,
            case=case,
            to_organization=shelter,
            service="shelter",
            urgency="urgent",
            message=f"{NAME} {FAMILY} calls from {PHONE}",
        )
    (request,) = service.received
    verify_vapid(
        request.headers,
        settings.VAPID_PUBLIC_KEY,
        "http://" + urlsplit(service.endpoint("x")).netloc,
    )
    assert request.headers["topic"].startswith("n")
    raw = devices["sw-phone"].decrypt(request.body).decode()
    (data,) = payloads(service, devices)
    assert case.reference in data["body"]
    for identity in (NAME, FAMILY, PHONE, PHONE[4:], "Kuantan"):
        assert identity not in raw
    assert data["url"].startswith(settings.SITE_URL.rstrip("/") + "/notifications/")
    delivery = PushDelivery.objects.get()
    assert delivery.sent_at is not None and delivery.attempts == 1
    assert delivery.subscription.last_success_at is not None


def test_the_push_channel_is_generic_over_kinds(
    caseworker, service, django_capture_on_commit_callbacks
):
    devices = {"p": Device()}
    subscribe(logged_in(caseworker), devices["p"], service.endpoint("p"))
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[caseworker],
            kind="follow_up_due",
            message="Follow-up due: %(r)s",
            params={"r": "KH-MLC-2026-00001"},
            link="/cases/1/",
        )
        notify(recipients=[caseworker], kind="referral_accepted", message="Accepted")  # not pushed
        notify(recipients=[caseworker], kind="anything", message="Pushed", push=True)
    assert [p["body"] for p in payloads(service, devices)] == [
        "Follow-up due: KH-MLC-2026-00001",
        "Pushed",
    ]


def test_a_push_that_failed_is_sent_by_the_sweep_once(
    caseworker, service, django_capture_on_commit_callbacks
):
    devices = {"p": Device()}
    subscribe(logged_in(caseworker), devices["p"], service.endpoint("p"))
    service.status = 503  # the push service is down
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[caseworker], kind="follow_up_due", message="Due")
    delivery = PushDelivery.objects.get()
    assert delivery.sent_at is None
    assert delivery.attempts >= 1 and "503" in delivery.last_error
    tried = len(service.received)

    service.status = 201  # back
    assert push.sweep(older_than=timedelta(0)) == 1
    delivery.refresh_from_db()
    assert delivery.sent_at is not None
    assert len(service.received) == tried + 1
    assert payloads(service, devices)[-1]["body"] == "Due"
    # Never doubled: the sweep and a stray re-run find it sent.
    assert push.sweep(older_than=timedelta(0)) == 0
    assert push.deliveries_send(delivery_ids=[delivery.pk]) == 0
    assert len(service.received) == tried + 1


def test_a_gone_device_is_deleted(caseworker, service, django_capture_on_commit_callbacks):
    subscribe(logged_in(caseworker), Device(), service.endpoint("old"))
    service.status = 410
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[caseworker], kind="follow_up_due", message="Due")
    assert len(service.received) == 1  # not retried: the device is gone
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()


def test_logout_revokes_this_device_only(caseworker, service):
    here, elsewhere = logged_in(caseworker), logged_in(caseworker)
    subscribe(here, Device(), service.endpoint("here"))
    subscribe(elsewhere, Device(), service.endpoint("elsewhere"))
    assert here.post(reverse("logout")).status_code == 302
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        service.endpoint("elsewhere")
    ]


def test_deactivation_revokes_every_device(org, caseworker, service):
    admin = UserFactory(username="adm", organization=org, role=Role.ORG_ADMIN)
    for name in ("a", "b"):
        subscribe(logged_in(caseworker), Device(), service.endpoint(name))
    partner_services.user_active_set(by=admin, user=caseworker, active=False)
    assert not PushSubscription.objects.filter(user=caseworker).exists()


def test_a_device_is_removed_from_the_list_by_its_owner_only(caseworker, org, service):
    other = UserFactory(username="cw2", organization=org)
    subscribe(logged_in(caseworker), Device(), service.endpoint("mine"))
    sub = PushSubscription.objects.get()
    url = reverse("notifications:push_device_remove", kwargs={"pk": sub.pk})
    assert logged_in(other).post(url).status_code == 404
    assert logged_in(caseworker).post(url).status_code == 302
    assert not PushSubscription.objects.exists()


def test_this_device_turns_itself_off(caseworker, service):
    client = logged_in(caseworker)
    subscribe(client, Device(), service.endpoint("me"))
    response = client.post(
        reverse("notifications:push_unsubscribe"),
        json.dumps({"endpoint": service.endpoint("me")}),
        content_type="application/json",
    )
    assert response.json() == {"removed": 1}
    assert not PushSubscription.objects.exists()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_push(celery_worker, caseworker, service):
    devices = {"w": Device()}
    subscribe(logged_in(caseworker), devices["w"], service.endpoint("w"))
    notify(recipients=[caseworker], kind="follow_up_due", message="Due KH-MLC-2026-00007")
    delivery = PushDelivery.objects.get()
    wait_for(lambda: PushDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=False).exists())
    assert [p["body"] for p in payloads(service, devices)] == ["Due KH-MLC-2026-00007"]
