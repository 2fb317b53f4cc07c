"""Two people answer the same referral at the same moment: one wins, the other is told."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from notifications.models import Notification
from partners.roles import Role
from referrals import services
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_accept_and_decline_one_wins(caseworker, consented_case, embassy, liaison):
    consul = UserFactory(username="consul", organization=embassy, role=Role.COORDINATOR)
    referral = services.referral_create(
        by=caseworker,
        case=consented_case,
        to_organization=embassy,
        service="repatriation",
        urgency="urgent",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=(lambda: services.referral_accept(by=liaison, referral=referral.pk),)
        ),
        threading.Thread(
            target=run,
            args=(
                lambda: services.referral_decline(
                    by=consul, referral=referral.pk, reason="No capacity"
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    final = Referral.objects.get(pk=referral.pk)
    assert final.status in ("accepted", "declined")
    answered = Notification.objects.filter(kind__in=["referral_accepted", "referral_declined"])
    assert set(answered.values_list("kind", flat=True)) == {f"referral_{final.status}"}
