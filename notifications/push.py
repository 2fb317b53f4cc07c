"""Web Push: notifications to the phones of users who turned them on, per device.

The channel is generic over notification kinds: ``notify(..., push=True)`` (or a kind listed
in ``settings.PUSH_NOTIFICATION_KINDS``) writes one ``PushDelivery`` per device of each
recipient in the caller's transaction, and the deliveries are published once it commits. A
delivery is sent once: the task locks the row, sends, and marks it in the same transaction;
the push service also replaces an undelivered message of the same ``Topic`` and the phone
shows one notification per ``tag``, so a resend after a crash does not show twice. A
periodic sweep re-publishes deliveries still unsent (a broker or push service outage delays
a push but loses none). A 404 or 410 from the push service means the device is gone: its
subscription is deleted.

What is pushed is the notification's text (references, services and organisations: never
a person's name, phone or location) and a link into Homeward, encrypted for the device
(RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292)."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from .models import Notification, PushDelivery, PushSubscription

logger = logging.getLogger(__name__)

# A user's devices: enough for a phone, a tablet and a few replaced phones; the oldest go.
MAX_DEVICES_PER_USER = 10
# The email sweep's cadence and lease (notifications.services): a delivery still unsent
# is published again within seconds of the broker or the push service being back.
SWEEP_AFTER = timedelta(seconds=10)
QUEUED_LEASE = timedelta(seconds=30)
SWEEP_BATCH = 1000
# Deliveries per task the sweep publishes (each send may wait on a slow push service).
SWEEP_TASK_SIZE = 50
MAX_ATTEMPTS = 20
# How long the push service keeps a message for a phone that is off (seconds).
PUSH_TTL = 24 * 60 * 60
# Session key listing the subscriptions turned on in this session (revoked at its logout).
SESSION_KEY = "homeward_push_subscriptions"


class InvalidSubscription(ValueError):
    """The browser's subscription is not one we can send to; the message says why."""


def _b64decode(value: str) -> bytes:
    value = value.strip()
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def public_key() -> str:
    """The VAPID public key the browser subscribes with (base64url, uncompressed point)."""
    return settings.VAPID_PUBLIC_KEY or ""


def enabled() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def _host_allowed(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in settings.PUSH_SERVICE_HOSTS)


def validate(endpoint: str, p256dh: str, auth: str) -> None:
    """Refuse what is not a browser's push subscription. The endpoint must be on a known push
    service (PUSH_SERVICE_HOSTS): the server POSTs to it, so it must not be any URL a user
    types (no requests into our own network)."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        raise InvalidSubscription("endpoint")
    parts = urlsplit(endpoint)
    allowed_schemes = {"https", "http"} if settings.PUSH_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise InvalidSubscription("endpoint")
    if not _host_allowed(parts.hostname.lower()):
        raise InvalidSubscription("endpoint host")
    try:
        key = _b64decode(p256dh) if isinstance(p256dh, str) and len(p256dh) <= 100 else b""
        secret = _b64decode(auth) if isinstance(auth, str) and len(auth) <= 50 else b""
    except (binascii.Error, ValueError):
        raise InvalidSubscription("keys") from None
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise InvalidSubscription("keys")


def device_label(user_agent: str) -> str:
    """A short name for the device list ("Chrome on Android"), from the user agent."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("SamsungBrowser", "Samsung Internet"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "Browser",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return f"{browser} on {system}" if system else browser


@transaction.atomic
def subscribe(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "", session=None
) -> PushSubscription:
    """Store (or refresh) this device's subscription for ``user``. The same endpoint again is
    the same device: it is updated, never doubled, and moves to ``user`` if another user had
    it (a shared phone). Remembered in ``session`` so that logging out there revokes it."""
    validate(endpoint, p256dh, auth)
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh.strip(),
            "auth": auth.strip(),
            "label": device_label(user_agent)[:100],
        },
    )
    stale = list(
        PushSubscription.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[MAX_DEVICES_PER_USER:]
    )
    if stale:
        PushSubscription.objects.filter(pk__in=stale).delete()
    if session is not None:
        ids = [pk for pk in session.get(SESSION_KEY, []) if pk != sub.pk]
        session[SESSION_KEY] = [*ids, sub.pk][-MAX_DEVICES_PER_USER:]
    return sub


def unsubscribe(*, user, endpoint: str = "", pk: int | None = None) -> int:
    """Remove one of ``user``'s devices, by endpoint (this device) or id (the device list).
    Another user's device matches nothing. Returns how many were removed."""
    qs = PushSubscription.objects.filter(user=user)
    if pk is not None:
        qs = qs.filter(pk=pk)
    elif endpoint:
        qs = qs.filter(endpoint=endpoint)
    else:
        return 0
    return qs.delete()[1].get("notifications.PushSubscription", 0)


def revoke_session(*, user, session) -> int:
    """At logout: remove the subscriptions turned on in this session (this device)."""
    ids = session.get(SESSION_KEY) or []
    if not ids or user is None:
        return 0
    return (
        PushSubscription.objects.filter(user=user, pk__in=ids)
        .delete()[1]
        .get("notifications.PushSubscription", 0)
    )


def revoke_all(*, user) -> int:
    """A deactivated user: every device stops receiving."""
    return (
        PushSubscription.objects.filter(user=user)
        .delete()[1]
        .get("notifications.PushSubscription", 0)
    )


def devices_for(user):
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")


def wanted(kind: str, push: bool | None) -> bool:
    if push is not None:
        return push
    return kind in settings.PUSH_NOTIFICATION_KINDS


def queue(notifications: list[Notification]) -> list[int]:
    """Write a delivery per device of each notification's recipient (in the caller's
    transaction) and publish them once it commits. Returns the delivery ids."""
    if not notifications or not enabled():
        return []
    by_user: dict[int, list[int]] = {}
    for sub_pk, user_pk in PushSubscription.objects.filter(
        user__in=[n.recipient_id for n in notifications]
    ).values_list("pk", "user_id"):
        by_user.setdefault(user_pk, []).append(sub_pk)
    rows = [
        PushDelivery(notification=n, subscription_id=sub_pk)
        for n in notifications
        for sub_pk in by_user.get(n.recipient_id, [])
    ]
    if not rows:
        return []
    ids = [row.pk for row in PushDelivery.objects.bulk_create(rows)]
    transaction.on_commit(partial(_publish, ids), robust=True)
    return ids


def _publish(delivery_ids: list[int]) -> bool:
    """Hand deliveries to Celery as one task, marked as queued (the mark is cleared if the
    broker refuses, and when the task ends without sending them)."""
    from .tasks import send_push_deliveries

    rows = PushDelivery.objects.filter(pk__in=delivery_ids, sent_at__isnull=True)
    rows.update(queued_at=timezone.now())
    try:
        send_push_deliveries.delay(delivery_ids)
    except Exception:  # the broker's many failure types; the rows are the truth
        rows.update(queued_at=None)
        logger.warning(
            "Could not publish push deliveries %s; the sweep will retry",
            delivery_ids,
            exc_info=True,
        )
        return False
    return True


def payload(notification: Notification) -> dict:
    """What the phone receives: the notification's text (no identity), where tapping it goes
    (the notification's own link, which marks it read), and a tag so a resend replaces."""
    site = str(settings.SITE_URL).rstrip("/")
    return {
        "title": "Homeward",
        "body": notification.message,
        "url": site + reverse("notifications:open", kwargs={"pk": notification.pk}),
        "tag": f"n{notification.pk}",
    }


class PushGone(Exception):
    """The push service no longer knows the device (404/410)."""


def _vapid():
    from py_vapid import Vapid

    return Vapid.from_raw(settings.VAPID_PRIVATE_KEY.strip().encode())


def _send(sub: PushSubscription, data: dict) -> None:
    """One encrypted, signed POST to the device's push service. Raises PushGone for 404/410
    and another exception for any other failure (counted, retried)."""
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={
                "endpoint": sub.endpoint,
                "keys": {"p256dh": sub.p256dh, "auth": sub.auth},
            },
            data=json.dumps(data, ensure_ascii=False),
            vapid_private_key=_vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=PUSH_TTL,
            headers={"Topic": data["tag"], "Urgency": "high"},
            timeout=10,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise PushGone(str(status)) from exc
        raise


def deliveries_send(*, delivery_ids: list[int]) -> int:
    """Send the given deliveries, each at most once. Returns how many this call sent.

    Each row is locked while it is sent and marked sent in the same transaction, so a second
    run waits and then finds it sent. A failure is counted on the row (with its error) and
    the first one is raised after the others were tried (logged by the task); those still
    unsent lose their queued mark, so the next sweep publishes them again. A device the
    push service says is gone is deleted, with its deliveries."""
    error: Exception | None = None
    sent = 0
    try:
        for pk in sorted(set(delivery_ids)):
            try:
                sent += _send_one(pk)
            except Exception as exc:
                error = error or exc
                # A push service that cannot be reached is not the delivery's fault: it is
                # not counted toward giving up (as a refused mail connection).
                unreachable = isinstance(exc, requests.ConnectionError | requests.Timeout)
                PushDelivery.objects.filter(pk=pk, sent_at__isnull=True).update(
                    attempts=F("attempts") + (0 if unreachable else 1),
                    last_error=f"{type(exc).__name__}: {exc}"[:300],
                )
    finally:
        PushDelivery.objects.filter(pk__in=delivery_ids, sent_at__isnull=True).update(
            queued_at=None
        )
    if error is not None:
        raise error
    return sent


def _send_one(pk: int) -> int:
    with transaction.atomic():
        row = (
            PushDelivery.objects.select_for_update(of=("self",))
            .select_related("notification", "subscription")
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if row is None:
            return 0
        sub = row.subscription
        try:
            _send(sub, payload(row.notification))
        except PushGone:
            logger.info("Push subscription %s is gone; deleting it", sub.pk)
            sub.delete()
            return 0
        now = timezone.now()
        row.sent_at = now
        row.attempts += 1
        row.save(update_fields=["sent_at", "attempts"])
        PushSubscription.objects.filter(pk=sub.pk).update(last_success_at=now)
    return 1


def sweep(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Re-publish deliveries still unsent (broker down, worker died, push service down),
    oldest first, in one task per batch. Returns how many were published. As the email
    sweep: a delivery with a task queued (within QUEUED_LEASE) is not published again."""
    now = timezone.now()
    ids = list(
        PushDelivery.objects.filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUED_LEASE),
            sent_at__isnull=True,
            created_at__lte=now - older_than,
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    published = 0
    for start in range(0, len(ids), SWEEP_TASK_SIZE):
        chunk = ids[start : start + SWEEP_TASK_SIZE]
        if not _publish(chunk):
            break  # the broker refuses: the next run picks them up
        published += len(chunk)
    return published
