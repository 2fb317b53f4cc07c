import pytest
from django.core.management import call_command

from cases import access
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_referrals_are_idempotent_and_own_the_embassy_grant(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Referral.objects.count() == 3
    sopheap = next(
        r
        for r in Referral.objects.select_related("case__person")
        if r.case.person.given_name_latin == "Sopheap"
    )
    assert sopheap.status == "accepted" and sopheap.to_organization.code == "khembkl"
    assert set(sopheap.granted_perms) == {
        access.VIEW,
        access.VIEW_IDENTITY,
        access.UPDATE_REPATRIATION,
    }
    pending = Referral.objects.filter(status="pending")
    assert {r.to_organization.code for r in pending} == {"iomkl", "safepg"}
    assert [r.is_overdue for r in pending.order_by("respond_by")] == [True, False]
