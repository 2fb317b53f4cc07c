"""Plans and steps through the services: template instantiation, status rules, concurrency,
timeline, audit and notifications."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import TimelineEntry
from notifications.models import Notification
from repatriation import services
from repatriation.models import (
    PlanStatus,
    RepatriationPlan,
    Responsible,
    StepKind,
    StepStatus,
    StepTemplate,
    StepTemplateItem,
)
from repatriation.routes import DEFAULT_STEPS, default_template
from tests.factories import make_case

from .conftest import give_consent, new_plan

pytestmark = pytest.mark.django_db

EXPECTED_ORDER = [
    StepKind.LOCATED_SAFE,
    StepKind.INTERVIEW,
    StepKind.CONSENT,
    StepKind.NATIONALITY,
    StepKind.TRAVEL_DOCUMENT,
    StepKind.EXIT_CLEARANCE,
    StepKind.FAMILY_TRACING,
    StepKind.TRAVEL_ARRANGED,
    StepKind.DEPARTED,
    StepKind.ARRIVED,
    StepKind.HANDED_OVER,
    StepKind.FOLLOW_UP_3,
    StepKind.FOLLOW_UP_6,
    StepKind.FOLLOW_UP_12,
]


def step(plan, kind):
    return plan.steps.get(kind=kind)


def update(s, by, **kw):
    s.refresh_from_db()
    args = {"status": s.status, "due_date": s.due_date, "note": s.note, "reason": s.reason}
    args.update(kw)
    return services.step_update(step=s, by=by, version=s.version, **args)


# --- template instantiation ------------------------------------------------------------------


def test_default_template_is_created_once_with_the_issue_steps_in_order(world):
    template = default_template()
    assert default_template() == template
    assert StepTemplate.objects.filter(is_default=True).count() == 1
    kinds = list(template.items.order_by("order").values_list("kind", flat=True))
    assert kinds == EXPECTED_ORDER == [k for k, _who, _days in DEFAULT_STEPS]


def test_plan_steps_come_from_the_default_template_with_organisations_resolved(world, plan):
    steps = list(plan.steps.order_by("order"))
    assert [s.kind for s in steps] == EXPECTED_ORDER
    assert [s.order for s in steps] == list(range(1, 15))
    by_kind = {s.kind: s for s in steps}
    assert by_kind[StepKind.TRAVEL_DOCUMENT].responsible_organization == world.embassy
    assert by_kind[StepKind.TRAVEL_ARRANGED].responsible_organization == world.lead
    assert by_kind[StepKind.FAMILY_TRACING].responsible_organization == world.owner
    today = timezone.localdate()
    assert by_kind[StepKind.LOCATED_SAFE].due_date == today + timedelta(days=3)
    assert all(s.status == StepStatus.NOT_STARTED for s in steps)
    assert plan.status == PlanStatus.PLANNING
    assert plan.template.is_default


def test_a_route_template_wins_over_the_default(world):
    route = StepTemplate.objects.create(name="MY→KH", home_country="KH", current_country="MY")
    StepTemplateItem.objects.create(
        template=route, order=1, kind=StepKind.NATIONALITY, responsible=Responsible.EMBASSY
    )
    StepTemplateItem.objects.create(
        template=route, order=2, kind=StepKind.DEPARTED, responsible=Responsible.LEAD
    )
    other_route = StepTemplate.objects.create(name="TH→LA", home_country="LA", current_country="TH")
    StepTemplateItem.objects.create(template=other_route, order=1, kind=StepKind.DEPARTED)
    plan = new_plan(world)
    assert plan.template == route
    assert list(plan.steps.values_list("kind", flat=True)) == [
        StepKind.NATIONALITY,
        StepKind.DEPARTED,
    ]


def test_the_lead_organisations_own_template_wins_over_a_platform_route(world):
    platform = StepTemplate.objects.create(name="MY→KH", home_country="KH", current_country="MY")
    StepTemplateItem.objects.create(template=platform, order=1, kind=StepKind.DEPARTED)
    own = StepTemplate.objects.create(name="Ours, any route", organization=world.lead)
    StepTemplateItem.objects.create(template=own, order=1, kind=StepKind.ARRIVED)
    someone_elses = StepTemplate.objects.create(name="Theirs", organization=world.other)
    StepTemplateItem.objects.create(template=someone_elses, order=1, kind=StepKind.INTERVIEW)
    assert new_plan(world).template == own


def test_an_unmatched_route_uses_the_default(world):
    route = StepTemplate.objects.create(name="TH→LA", home_country="LA", current_country="TH")
    StepTemplateItem.objects.create(template=route, order=1, kind=StepKind.DEPARTED)
    assert new_plan(world).template.is_default


def test_one_plan_per_case_and_the_embassy_must_be_an_embassy(world, plan):
    with pytest.raises(ValidationError):
        new_plan(world)
    case2 = make_case(world.owner, by=world.caseworker)
    with pytest.raises(ValidationError) as e:
        new_plan(world, case2, embassy=world.other)
    assert "embassy" in e.value.message_dict
    assert not RepatriationPlan.objects.filter(case=case2).exists()


# --- plan status -----------------------------------------------------------------------------


def test_plan_cannot_start_without_consent_to_return(world, plan):
    with pytest.raises(ValidationError, match="consent to return"):
        services.plan_set_status(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.coordinator)
    give_consent(world.case, granted=False)
    with pytest.raises(ValidationError, match="consent to return"):
        services.plan_set_status(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.coordinator)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PLANNING
    give_consent(world.case)
    services.plan_set_status(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.coordinator)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS
    assert TimelineEntry.objects.filter(case=world.case, kind="repatriation_plan_status").exists()


def test_plan_transitions(world, plan):
    give_consent(world.case)
    go = services.plan_set_status
    with pytest.raises(ValidationError):
        go(plan=plan, status=PlanStatus.COMPLETED, by=world.coordinator)
    go(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.coordinator)
    go(plan=plan, status=PlanStatus.SUSPENDED, by=world.liaison)
    go(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.liaison)
    go(plan=plan, status=PlanStatus.COMPLETED, by=world.coordinator)
    with pytest.raises(ValidationError):
        go(plan=plan, status=PlanStatus.CANCELLED, by=world.coordinator)


def test_steps_of_a_closed_plan_cannot_change(world, plan):
    services.plan_set_status(plan=plan, status=PlanStatus.CANCELLED, by=world.coordinator)
    with pytest.raises(ValidationError, match="cannot change"):
        update(step(plan, StepKind.LOCATED_SAFE), world.liaison, status=StepStatus.DONE)


# --- step transitions ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [StepStatus.IN_PROGRESS, StepStatus.DONE])
def test_step_to_in_progress_or_done_needs_no_reason(world, plan, status):
    s = update(step(plan, StepKind.TRAVEL_DOCUMENT), world.liaison, status=status)
    assert s.status == status
    assert s.version == 2
    assert s.changed_by == world.liaison
    assert (s.done_at is not None) == (status == StepStatus.DONE)


@pytest.mark.parametrize("status", [StepStatus.BLOCKED, StepStatus.SKIPPED])
def test_blocked_and_skipped_need_a_reason(world, plan, status):
    s = step(plan, StepKind.EXIT_CLEARANCE)
    with pytest.raises(ValidationError) as e:
        update(s, world.liaison, status=status, reason="   ")
    assert "reason" in e.value.message_dict
    s.refresh_from_db()
    assert s.status == StepStatus.NOT_STARTED and s.version == 1
    s = update(s, world.liaison, status=status, reason="Held in detention pending a fine")
    assert s.status == status and s.reason == "Held in detention pending a fine"


def test_the_database_refuses_a_blocked_step_without_reason(world, plan):
    from django.db import IntegrityError, transaction

    s = step(plan, StepKind.EXIT_CLEARANCE)
    s.status = StepStatus.BLOCKED
    with pytest.raises(IntegrityError), transaction.atomic():
        s.save()


def test_done_then_back_clears_done_at_and_unblocking_clears_reason(world, plan):
    s = update(step(plan, StepKind.NATIONALITY), world.liaison, status=StepStatus.DONE)
    assert s.done_at
    s = update(s, world.liaison, status=StepStatus.IN_PROGRESS)
    assert s.done_at is None
    s = update(s, world.liaison, status=StepStatus.BLOCKED, reason="Birth record missing")
    s = update(s, world.liaison, status=StepStatus.IN_PROGRESS)
    assert s.reason == ""


def test_a_stale_save_is_refused_and_nothing_is_lost(world, plan):
    s = step(plan, StepKind.TRAVEL_DOCUMENT)
    seen = s.version
    services.step_update(
        step=s,
        by=world.liaison,
        version=seen,
        status=StepStatus.DONE,
        due_date=s.due_date,
        note="Issued today",
    )
    with pytest.raises(services.StaleStep):
        services.step_update(
            step=s,
            by=world.coordinator,
            version=seen,
            status=StepStatus.BLOCKED,
            due_date=s.due_date,
            note="",
            reason="Waiting for photos",
        )
    s.refresh_from_db()
    assert (s.status, s.note, s.version) == (StepStatus.DONE, "Issued today", 2)


# --- who may update --------------------------------------------------------------------------


def test_who_may_update_a_step(world, plan):
    s = step(plan, StepKind.TRAVEL_DOCUMENT)
    update(s, world.liaison, status=StepStatus.IN_PROGRESS)  # granted embassy
    update(s, world.coordinator, note="Owner coordinator")  # owner, role allows
    with pytest.raises(Http404):  # another embassy: cannot even see it
        update(s, world.liaison2, status=StepStatus.DONE)
    with pytest.raises(Http404):  # non-owner NGO
        update(s, world.other_caseworker, status=StepStatus.DONE)
    with pytest.raises(PermissionDenied):  # owner caseworker: sees it, role lacks the right
        update(s, world.caseworker, status=StepStatus.DONE)
    with pytest.raises(Http404):  # the lead holds no grant yet
        update(s, world.lead_worker, status=StepStatus.DONE)
    access.grant(world.case, world.lead, [access.VIEW, access.UPDATE_REPATRIATION])
    update(s, world.lead_worker, status=StepStatus.DONE)


def test_liaison_can_change_nothing_else_about_the_case(world, plan):
    with pytest.raises(PermissionDenied):
        access.case_for(world.liaison, world.case.pk, access.CHANGE)
    with pytest.raises(PermissionDenied):
        access.case_for(world.liaison, world.case.pk, access.REFER)


def test_only_update_repatriation_may_create_a_plan(world):
    case2 = make_case(world.owner, by=world.caseworker)
    with pytest.raises(PermissionDenied):
        new_plan(world, case2, by=world.caseworker)
    with pytest.raises(Http404):
        new_plan(world, case2, by=world.liaison)


# --- timeline, audit, notifications ----------------------------------------------------------


def test_a_step_change_is_on_the_timeline_audited_and_notified(world, plan):
    access.grant(world.case, world.lead, [access.VIEW])
    s = step(plan, StepKind.TRAVEL_DOCUMENT)
    update(s, world.liaison, status=StepStatus.DONE, note="Passport photo of Ms X")
    entry = TimelineEntry.objects.filter(case=world.case, kind="repatriation_step_changed").get()
    assert entry.actor == world.liaison and entry.organization == world.embassy
    assert entry.data == {"step": "travel_document", "status": "done"}  # codes, shown in words
    assert AccessEvent.objects.filter(
        action=AuditAction.CHANGED,
        actor=world.liaison,
        target_id=str(world.case.pk),
        detail__repatriation_step=s.pk,
    ).exists()
    # The next unfinished step is exit clearance — the embassy's own; the owner's members and
    # the embassy (minus the actor) are told. Nobody else.
    notes = Notification.objects.filter(kind="repatriation_step_changed")
    assert {n.recipient.username for n in notes} == {"cw", "coord"}
    for n in notes:
        assert n.message == (
            f'{world.case.reference}: repatriation step "Travel document issued" is now Done'
        )
        assert "Ms X" not in n.message and world.case.person.given_name_latin not in n.message
        assert n.link == world.case.get_absolute_url()


def test_the_next_steps_organisation_is_notified_if_it_may_see_the_case(world, plan):
    s = step(plan, StepKind.EXIT_CLEARANCE)
    update(s, world.liaison, status=StepStatus.DONE)
    ft = step(plan, StepKind.FAMILY_TRACING)
    Notification.objects.all().delete()
    update(ft, world.coordinator, status=StepStatus.IN_PROGRESS)
    # Next: travel arranged, the lead's — but the lead has no access to the case yet.
    assert set(
        Notification.objects.filter(kind="repatriation_step_changed").values_list(
            "recipient__username", flat=True
        )
    ) == {"cw"}
    access.grant(world.case, world.lead, [access.VIEW])
    Notification.objects.all().delete()
    update(ft, world.coordinator, status=StepStatus.DONE)
    assert set(
        Notification.objects.filter(kind="repatriation_step_changed").values_list(
            "recipient__username", flat=True
        )
    ) == {"cw", "leadcw"}


def test_overdue_steps_are_flagged_once_and_the_responsible_org_notified(world, plan):
    s = step(plan, StepKind.TRAVEL_DOCUMENT)
    yesterday = timezone.localdate() - timedelta(days=1)
    update(s, world.liaison, due_date=yesterday)
    Notification.objects.all().delete()
    # Only that step is past due (the others are in the future).
    assert services.steps_flag_overdue() == 1
    assert services.steps_flag_overdue() == 0  # once per step
    s.refresh_from_db()
    assert s.overdue_flagged_at is not None
    notes = Notification.objects.filter(kind="repatriation_step_overdue")
    assert [n.recipient for n in notes] == [world.liaison]
    assert notes[0].message == (
        f'{world.case.reference}: repatriation step "Travel document issued" is past its due date'
    )
    assert (
        TimelineEntry.objects.filter(kind="repatriation_step_overdue", case=world.case).count() == 1
    )
    # A new due date, passed again, is flagged again; a done step never.
    update(s, world.liaison, due_date=yesterday - timedelta(days=1))
    assert services.steps_flag_overdue() == 1
    update(s, world.liaison, status=StepStatus.DONE, due_date=yesterday - timedelta(days=2))
    assert services.steps_flag_overdue() == 0


def test_overdue_step_of_an_organisation_without_access_goes_to_the_owner(world, plan):
    s = step(plan, StepKind.TRAVEL_ARRANGED)  # the lead's, which holds no grant
    update(s, world.coordinator, due_date=timezone.localdate() - timedelta(days=1))
    Notification.objects.all().delete()
    assert services.steps_flag_overdue() == 1
    notes = Notification.objects.filter(kind="repatriation_step_overdue")
    assert {n.recipient.username for n in notes} == {"cw", "coord"}


def test_overdue_steps_of_closed_plans_are_not_flagged(world, plan):
    plan.steps.update(due_date=timezone.localdate() - timedelta(days=3))
    services.plan_set_status(plan=plan, status=PlanStatus.CANCELLED, by=world.coordinator)
    assert services.steps_flag_overdue() == 0


def test_a_plan_status_change_notifies_owner_and_lead_without_identity(world, plan):
    give_consent(world.case)
    services.plan_set_status(plan=plan, status=PlanStatus.IN_PROGRESS, by=world.liaison)
    notes = Notification.objects.filter(kind="repatriation_plan_status")
    # The lead holds no grant on the case yet: it is not told about it.
    assert {n.recipient.username for n in notes} == {"cw", "coord"}
    assert {n.message for n in notes} == {
        f"{world.case.reference}: repatriation plan is now In progress"
    }
    access.grant(world.case, world.lead, [access.VIEW])
    services.plan_set_status(plan=plan, status=PlanStatus.SUSPENDED, by=world.liaison)
    notes = Notification.objects.filter(kind="repatriation_plan_status", message__contains="Susp")
    assert {n.recipient.username for n in notes} == {"cw", "coord", "leadcw"}
