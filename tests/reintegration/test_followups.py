"""Follow-ups at 3, 6 and 12 months: created when the person is handed over at home (the
repatriation step), or by hand; their windows; recording outcomes; reminders when overdue."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.models import TimelineEntry
from notifications.models import Notification
from partners.models import OrganizationKind
from partners.roles import Role
from reintegration import followups
from reintegration.models import FollowUp
from reintegration.tasks import send_follow_up_reminders
from repatriation.models import Situation, StepKind, StepStatus
from repatriation.services import plan_create, step_update
from tests.celery_worker import wait_for
from tests.factories import OrganizationFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(w):
    embassy = OrganizationFactory(
        name="KH Embassy", code="khe", country="MY", kind=OrganizationKind.EMBASSY
    )
    w.embassy_liaison = UserFactory(username="eli", organization=embassy, role=Role.LIAISON)
    access.grant(w.case, embassy, [access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION])
    return plan_create(
        case=w.case,
        by=w.coordinator,
        current_country="MY",
        situation=Situation.SHELTER,
        home_country="KH",
        home_province="Phnom Penh",
        embassy=embassy,
        lead_organization=w.provider,
    )


def hand_over(w, plan, status=StepStatus.DONE):
    step = plan.steps.get(kind=StepKind.HANDED_OVER)
    return step_update(
        step=step, by=w.embassy_liaison, version=step.version, status=status, due_date=step.due_date
    )


def test_add_months_clamps_to_the_end_of_the_month():
    assert followups.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert followups.add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)


def test_handover_creates_three_follow_ups_with_windows_for_the_home_organisation(w, plan):
    hand_over(w, plan, StepStatus.IN_PROGRESS)
    assert not FollowUp.objects.exists()  # only "done" hands over
    hand_over(w, plan)
    today = timezone.localdate()
    rows = list(FollowUp.objects.filter(case=w.case).order_by("months"))
    assert [f.months for f in rows] == [3, 6, 12]
    for f in rows:
        assert f.returned_on == today
        assert f.due_on == followups.add_months(today, f.months)
        assert (f.window_start, f.window_end) == (
            f.due_on - timedelta(14),
            f.due_on + timedelta(14),
        )
        # The lead is in the home country and may record services (its livelihood referral).
        assert f.assigned_organization == w.provider
    assert TimelineEntry.objects.filter(case=w.case, kind="follow_ups_scheduled").count() == 1
    # Marked done again (after a correction): nothing new.
    hand_over(w, plan, StepStatus.IN_PROGRESS)
    hand_over(w, plan)
    assert FollowUp.objects.filter(case=w.case).count() == 3


def test_without_a_home_country_partner_the_owner_is_assigned(w, plan):
    plan.lead_organization = w.other
    plan.save(update_fields=["lead_organization"])
    hand_over(w, plan)
    assert set(FollowUp.objects.values_list("assigned_organization", flat=True)) == {w.owner.pk}


def test_reintegration_starts_by_hand_once(w):
    returned = timezone.localdate() - timedelta(days=5)
    created = followups.reintegration_start(case=w.case, by=w.provider_cw, returned_on=returned)
    assert [f.assigned_organization for f in created] == [w.provider] * 3
    with pytest.raises(ValidationError):
        followups.reintegration_start(case=w.case, by=w.provider_cw, returned_on=returned)
    with pytest.raises(ValidationError):  # a return in the future
        followups.reintegration_start(
            case=make_case(w.owner, by=w.caseworker),
            by=w.caseworker,
            returned_on=timezone.localdate() + timedelta(days=30),
        )
    with pytest.raises(PermissionDenied):
        followups.reintegration_start(case=w.case, by=w.police_cw, returned_on=returned)


def _three_month(w, returned_on=None):
    followups.reintegration_start(
        case=w.case, by=w.provider_cw, returned_on=returned_on or timezone.localdate()
    )
    return FollowUp.objects.get(case=w.case, months=3)


def test_recording_outcomes(w):
    fu = _three_month(w)
    fu = followups.follow_up_record(
        follow_up=fu,
        by=w.provider_cw,
        held_on=timezone.localdate(),
        method="phone",
        reached=True,
        safe=True,
        working=True,
        income_month=300,
        income_currency="usd",
        in_debt=True,
        debt_amount=120,
        debt_currency="USD",
    )
    assert (fu.working, fu.income_currency, fu.in_debt, fu.debt_amount) == (True, "USD", True, 120)
    assert fu.is_done and fu.recorded_by == w.provider_cw
    entry = TimelineEntry.objects.get(case=w.case, kind="follow_up_recorded")
    assert entry.data == {"months": 3, "reached": "yes"}


def test_not_reached_clears_the_outcomes(w):
    fu = _three_month(w)
    fu = followups.follow_up_record(
        follow_up=fu,
        by=w.provider_cw,
        held_on=timezone.localdate(),
        method="visit",
        reached=False,
        safe=True,
        working=True,
    )
    assert (fu.reached, fu.safe, fu.working) == (False, None, None)


def test_a_follow_up_dated_before_the_return_is_refused(w):
    returned = timezone.localdate() - timedelta(days=3)
    fu = _three_month(w, returned)
    with pytest.raises(ValidationError) as err:
        followups.follow_up_record(
            follow_up=fu,
            by=w.provider_cw,
            held_on=returned - timedelta(days=1),
            method="phone",
            reached=True,
        )
    assert "before the return" in err.value.message_dict["held_on"][0]
    fu.refresh_from_db()
    assert not fu.is_done


def test_an_amount_without_currency_and_a_foreign_new_case_are_refused(w):
    fu = _three_month(w)
    base = {"held_on": timezone.localdate(), "method": "phone", "reached": True}
    with pytest.raises(ValidationError) as err:
        followups.follow_up_record(
            follow_up=fu, by=w.provider_cw, working=True, income_month=10, **base
        )
    assert "income_currency" in err.value.message_dict
    foreign = make_case(w.other, by=w.other_cw)
    with pytest.raises(ValidationError) as err:
        followups.follow_up_record(
            follow_up=fu, by=w.provider_cw, re_trafficked=True, new_case=foreign, **base
        )
    assert "new_case" in err.value.message_dict


def test_only_the_assigned_organisation_or_the_owner_records(w):
    fu = _three_month(w)
    access.grant(w.case, w.police, [access.RECORD_SERVICES])
    with pytest.raises(PermissionDenied):
        followups.follow_up_record(
            follow_up=fu,
            by=w.police_cw,
            held_on=timezone.localdate(),
            method="phone",
            reached=False,
        )
    followups.follow_up_record(
        follow_up=fu, by=w.caseworker, held_on=timezone.localdate(), method="phone", reached=False
    )


def test_the_follow_up_page(client, w):
    fu = _three_month(w)
    url = reverse("reintegration:follow_up", args=[fu.pk])
    client.force_login(w.other_cw)
    assert client.get(url).status_code == 404
    client.force_login(w.police_cw)
    assert client.get(url).status_code == 403
    client.force_login(w.provider_cw)
    assert client.get(url).status_code == 200
    early = (fu.returned_on - timedelta(days=1)).isoformat()
    response = client.post(url, {"held_on": early, "method": "phone", "reached": "true"})
    assert response.status_code == 400
    assert "before the return" in response.content.decode()
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "method": "phone",
            "reached": "true",
            "working": "true",
            "in_debt": "true",
        },
    )
    assert response.status_code == 302
    fu.refresh_from_db()
    assert (fu.method, fu.reached, fu.working, fu.in_debt) == ("phone", True, True, True)


def _overdue(w):
    fu = _three_month(w, timezone.localdate() - timedelta(days=200))
    FollowUp.objects.filter(case=w.case, months=6).update(
        window_end=timezone.localdate() + timedelta(days=1)
    )
    return fu


def test_overdue_follow_ups_remind_the_assigned_organisation_once(w):
    fu = _overdue(w)
    assert followups.follow_up_reminders_send() == 1
    assert followups.follow_up_reminders_send() == 0
    notes = Notification.objects.filter(kind="follow_up_due")
    # The provider's members who may record (caseworker, coordinator); never the person.
    assert {n.recipient for n in notes} == {w.provider_cw, w.provider_coord}
    assert notes[0].message == f"{w.case.reference}: the 3-month follow-up is overdue"
    fu.refresh_from_db()
    assert fu.reminded_at is not None


def test_a_done_follow_up_is_never_reminded(w):
    fu = _overdue(w)
    followups.follow_up_record(
        follow_up=fu, by=w.provider_cw, held_on=timezone.localdate(), method="phone", reached=False
    )
    assert followups.follow_up_reminders_send() == 0


def test_the_reminders_are_scheduled_as_referrals_are():
    entry = settings.CELERY_BEAT_SCHEDULE["reintegration-follow-up-reminders"]
    assert entry["task"] == send_follow_up_reminders.name
    assert entry["schedule"] == timedelta(hours=1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_once(celery_worker, w):
    _overdue(w)
    send_follow_up_reminders.delay()
    wait_for(lambda: FollowUp.objects.filter(reminded_at__isnull=False).exists())
    send_follow_up_reminders.delay()
    wait_for(lambda: celery_worker.log().count("succeeded") >= 2)
    assert Notification.objects.filter(kind="follow_up_due").count() == 2  # two recipients
