"""Referral notifications through a real Redis and a real Celery worker process.

These tests commit (transaction=True): the worker reads the rows from the test database."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notifications_sweep
from partners.roles import Role
from referrals import services
from referrals.models import Referral
from tests.celery_worker import publishing_to, wait_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

UNREACHABLE = "redis://127.0.0.1:1/0"


def broker_down():
    """Point publishing at a port where nothing listens, then restore the real broker."""
    return publishing_to(UNREACHABLE)


@pytest.fixture
def embassy_staff(embassy, liaison):
    second = UserFactory(
        username="consul", organization=embassy, role=Role.COORDINATOR, preferred_language="en"
    )
    return [liaison, second]


def test_referral_made_through_the_page_produces_its_emails(
    celery_worker, client, caseworker, consented_case, embassy, embassy_staff
):
    consented_case.current_place = "Jalan Ampang 12"
    consented_case.save()
    client.force_login(caseworker)
    response = client.post(
        reverse("referrals:create", args=[consented_case.pk]),
        {
            "to_organization": embassy.pk,
            "service": "repatriation",
            "urgency": "immediate",
            "message": "Travel documents needed.",
        },
    )
    assert response.status_code == 302
    rows = Notification.objects.filter(kind="referral_received")
    assert {r.recipient for r in rows} == set(embassy_staff)
    wait_for(lambda: not rows.filter(emailed_at__isnull=True).exists())
    emails = celery_worker.emails()
    assert len(emails) == 2
    joined = "\n".join(emails)
    for user in embassy_staff:
        assert f"To: {user.email}" in joined
    assert consented_case.reference in joined
    for marker in ("Sokha", "Pov", "សុខា", "+85512345678", "Jalan Ampang"):
        assert marker not in joined


def test_broker_outage_delays_but_loses_nothing(
    celery_worker, caseworker, consented_case, embassy, embassy_staff, shelter, shelter_worker
):
    with broker_down():
        started = time.monotonic()
        first = services.referral_create(
            by=caseworker,
            case=consented_case,
            to_organization=embassy,
            service="repatriation",
            urgency="urgent",
        )
        second = services.referral_create(
            by=caseworker,
            case=consented_case,
            to_organization=shelter,
            service="shelter",
            urgency="routine",
        )
        # Publishing failed fast and did not undo the referrals.
        assert time.monotonic() - started < 20
        assert Referral.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
        # A sweep during the outage publishes nothing and gives up quickly.
        assert notifications_sweep(older_than=timedelta(0)) == 0
    rows = Notification.objects.filter(email_wanted=True)
    assert rows.count() == 3
    assert rows.filter(emailed_at__isnull=True).count() == 3
    time.sleep(1)
    assert celery_worker.emails() == []

    # The broker is back. The first sweep publishes the rows (marked queued); a second one
    # right after publishes none of them again (queued or sent); each is sent once.
    assert notifications_sweep(older_than=timedelta(0)) == 3
    assert notifications_sweep(older_than=timedelta(0)) == 0
    wait_for(lambda: not rows.filter(emailed_at__isnull=True).exists())
    wait_for(lambda: "succeeded" in celery_worker.log())
    emails = celery_worker.emails()
    assert len(emails) == 3
    recipients = sorted(line for e in emails for line in e.splitlines() if line.startswith("To: "))
    assert recipients == sorted(f"To: {u.email}" for u in [*embassy_staff, shelter_worker])
    assert set(rows.values_list("email_attempts", flat=True)) == {1}
    # Nothing is left for the next sweep.
    assert notifications_sweep(older_than=timedelta(0)) == 0
