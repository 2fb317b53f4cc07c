"""The pages: My repatriations (access, sort, query count), the htmx step endpoint, the case
panel, the plan form, the admin for templates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.models import Case
from partners.roles import Role
from repatriation.models import PlanStatus, RepatriationPlan, StepKind, StepStatus, StepTemplate
from tests.factories import UserFactory, make_case

from .conftest import give_consent, new_plan

pytestmark = pytest.mark.django_db

PW = "a-test-password-1234"


def login(client, user):
    client.force_login(user)
    return client


def post_step(client, s, htmx=True, **data):
    s.refresh_from_db()
    body = {
        "status": s.status,
        "due_date": s.due_date.isoformat() if s.due_date else "",
        "note": s.note,
        "reason": s.reason,
        "version": s.version,
    }
    body.update(data)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("repatriation:step", args=[s.pk]), body, headers=headers)


# --- the step endpoint -----------------------------------------------------------------------


def test_liaison_updates_a_step_with_htmx_and_gets_only_the_fragment(client, world, plan):
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    r = post_step(login(client, world.liaison), s, status=StepStatus.DONE, note="Issued")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith(f'<li class="rp-step rp-step-done" id="rp-step-{s.pk}"')
    assert "<html" not in html
    assert "saved" in html
    # The progress bar is swapped out of band.
    assert f'id="rp-progress-{plan.pk}" hx-swap-oob="true"' in html
    assert "1 of 14 steps done" in html
    s.refresh_from_db()
    assert (s.status, s.note, s.changed_by) == (StepStatus.DONE, "Issued", world.liaison)


def test_without_htmx_the_step_form_redirects_back(client, world, plan):
    s = plan.steps.get(kind=StepKind.NATIONALITY)
    r = post_step(
        login(client, world.liaison), s, htmx=False, status=StepStatus.DONE, next="/repatriation/"
    )
    assert r.status_code == 302 and r.url == "/repatriation/"
    r = post_step(client, s, htmx=False, status=StepStatus.IN_PROGRESS, next="https://evil.test/")
    assert r.url == world.case.get_absolute_url()


def test_blocked_without_reason_shows_the_field_error_and_saves_nothing(client, world, plan):
    s = plan.steps.get(kind=StepKind.EXIT_CLEARANCE)
    r = post_step(login(client, world.liaison), s, status=StepStatus.BLOCKED, note="kept")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Say why the step is Blocked." in html
    assert "\nkept</textarea>" in html
    s.refresh_from_db()
    assert s.status == StepStatus.NOT_STARTED and s.version == 1


def test_the_second_stale_save_is_refused_with_a_message_and_input_kept(client, world, plan):
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    s.refresh_from_db()
    stale_version = s.version
    post_step(login(client, world.liaison), s, status=StepStatus.DONE, note="first")
    client.force_login(world.coordinator)
    r = client.post(
        reverse("repatriation:step", args=[s.pk]),
        {
            "status": StepStatus.BLOCKED,
            "due_date": "",
            "note": "my second note",
            "reason": "waiting for photos",
            "version": stale_version,
        },
        headers={"HX-Request": "true"},
    )
    html = r.content.decode()
    assert "Someone else saved this while you were editing it" in html and r.status_code == 409
    assert "\nmy second note</textarea>" in html and "\nwaiting for photos</textarea>" in html
    assert f'name="version" value="{stale_version + 1}"' in html
    s.refresh_from_db()
    assert (s.status, s.note, s.version) == (StepStatus.DONE, "first", stale_version + 1)


@pytest.mark.parametrize(
    ("who", "code"),
    [("liaison2", 404), ("other_caseworker", 404), ("lead_worker", 404), ("caseworker", 403)],
)
def test_step_endpoint_refuses(client, world, plan, who, code):
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    r = post_step(login(client, getattr(world, who)), s, status=StepStatus.DONE)
    assert r.status_code == code
    s.refresh_from_db()
    assert s.status == StepStatus.NOT_STARTED


def test_unknown_step_is_404(client, world):
    assert login(client, world.liaison).get("/repatriation/steps/999999/").status_code == 404


def test_the_step_endpoint_changes_only_the_step(client, world, plan):
    case_before = Case.objects.values().get(pk=world.case.pk)
    plan_before = RepatriationPlan.objects.values().get(pk=plan.pk)
    s = plan.steps.get(kind=StepKind.TRAVEL_DOCUMENT)
    post_step(
        login(client, world.liaison),
        s,
        status=StepStatus.DONE,
        # Fields of the case and plan smuggled into the form are ignored.
        urgency="routine",
        owner_organization=world.embassy.pk,
        plan_status=PlanStatus.COMPLETED,
        embassy=world.other_embassy.pk,
    )
    after = Case.objects.values().get(pk=world.case.pk)
    after.pop("updated_at"), case_before.pop("updated_at")
    assert after == case_before
    assert RepatriationPlan.objects.values().get(pk=plan.pk) == plan_before
    others = plan.steps.exclude(pk=s.pk)
    assert all(o.version == 1 and o.status == StepStatus.NOT_STARTED for o in others)


def test_liaison_cannot_edit_the_plan_or_change_its_status_without_the_grant(client, world, plan):
    c = login(client, world.liaison2)
    assert c.get(reverse("repatriation:plan_edit", args=[world.case.pk])).status_code == 404
    r = c.post(reverse("repatriation:plan_status", args=[world.case.pk]), {"status": "cancelled"})
    assert r.status_code == 404
    c = login(client, world.caseworker)
    assert c.get(reverse("repatriation:plan_edit", args=[world.case.pk])).status_code == 403


# --- plan pages ------------------------------------------------------------------------------


def test_plan_is_created_through_the_form(client, world):
    c = login(client, world.liaison)
    url = reverse("repatriation:plan_edit", args=[world.case.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"current_country": "MY", "situation": "detention", "home_country": "KH"})
    assert r.status_code == 200  # embassy and lead missing
    assert "This field is required" in r.content.decode()
    assert not RepatriationPlan.objects.exists()
    r = c.post(
        url,
        {
            "current_country": "MY",
            "situation": "detention",
            "place": "Immigration depot",
            "home_country": "KH",
            "embassy": world.embassy.pk,
            "lead_organization": world.lead.pk,
        },
    )
    assert r.status_code == 302
    plan = RepatriationPlan.objects.get(case=world.case)
    assert plan.steps.count() == 14 and plan.place == "Immigration depot"


def test_the_embassy_choice_lists_embassies_only(client, world):
    r = login(client, world.liaison).post(
        reverse("repatriation:plan_edit", args=[world.case.pk]),
        {
            "current_country": "MY",
            "situation": "free",
            "home_country": "KH",
            "embassy": world.other.pk,
            "lead_organization": world.lead.pk,
        },
    )
    assert "Select a valid choice" in r.content.decode()


def test_starting_without_consent_shows_a_clear_message(client, world, plan):
    c = login(client, world.coordinator)
    url = reverse("repatriation:plan_status", args=[world.case.pk])
    r = c.post(url, {"status": PlanStatus.IN_PROGRESS}, follow=True)
    assert "consent to return is not recorded" in r.content.decode()
    give_consent(world.case)
    c.post(url, {"status": PlanStatus.IN_PROGRESS})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_case_panel_shows_progress_and_edit_controls_only_to_updaters(client, world, plan):
    s = plan.steps.get(kind=StepKind.LOCATED_SAFE)
    post_step(login(client, world.liaison), s, status=StepStatus.DONE)
    html = client.get(world.case.get_absolute_url()).content.decode()
    assert '<progress value="1" max="14"' in html
    assert "1 of 14 steps done" in html and "current: Interview and victim identification" in html
    assert "Update Travel document issued" in html
    assert "Shelter in Penang" in html  # the embassy holds view identity
    # A partner with view only: the plan, no controls, no place.
    viewer = UserFactory(username="viewer", organization=world.other, role=Role.COORDINATOR)
    access.grant(world.case, world.other, [access.VIEW])
    html = login(client, viewer).get(world.case.get_absolute_url()).content.decode()
    assert "1 of 14 steps done" in html
    assert "Update Travel document issued" not in html
    assert "Shelter in Penang" not in html
    assert "Mark plan" not in html


def test_case_without_plan_offers_creation_to_updaters_only(client, world):
    html = login(client, world.coordinator).get(world.case.get_absolute_url()).content.decode()
    assert "Create a repatriation plan" in html
    html = login(client, world.caseworker).get(world.case.get_absolute_url()).content.decode()
    # No repatriation panel at all (the referrals panel may still offer "Repatriation" as a
    # service to refer for).
    assert "Create a repatriation plan" not in html and 'id="rp-h"' not in html


# --- My repatriations ------------------------------------------------------------------------


def test_nav_item_for_liaisons_and_coordinators_only(client, world):
    assert "My repatriations" in login(client, world.liaison).get("/cases/").content.decode()
    assert "My repatriations" in login(client, world.coordinator).get("/cases/").content.decode()
    assert "My repatriations" not in login(client, world.caseworker).get("/cases/").content.decode()


def test_my_repatriations_lists_only_visible_plans_of_my_organisation(client, world, plan):
    # A plan where the embassy is involved but holds no grant: not listed.
    hidden = make_case(world.owner, by=world.caseworker)
    new_plan(world, hidden)
    # A plan with another embassy on a case the embassy may see.
    seen_other = make_case(world.owner, by=world.caseworker)
    access.grant(seen_other, world.embassy, [access.VIEW])
    new_plan(world, seen_other, embassy=world.other_embassy, lead_organization=world.owner)
    html = login(client, world.liaison).get("/repatriation/").content.decode()
    assert world.case.reference in html
    assert hidden.reference not in html
    assert seen_other.reference not in html
    html = login(client, world.liaison2).get("/repatriation/").content.decode()
    assert world.case.reference not in html and "No repatriation plans" in html
    # The owner's coordinator: the owner is responsible for steps of all three.
    html = login(client, world.coordinator).get("/repatriation/").content.decode()
    assert all(c.reference in html for c in (world.case, hidden, seen_other))


def test_my_repatriations_sorts_by_what_needs_action(client, world):
    today = timezone.localdate()
    cases = {
        k: make_case(world.owner, by=world.caseworker)
        for k in ("rest", "soon", "blocked", "overdue", "done")
    }
    plans = {k: new_plan(world, c) for k, c in cases.items()}
    for p in plans.values():
        p.steps.update(due_date=today + timedelta(days=30))
    plans["soon"].steps.filter(order=2).update(due_date=today + timedelta(days=2))
    plans["blocked"].steps.filter(order=3).update(status=StepStatus.BLOCKED, reason="x")
    plans["overdue"].steps.filter(order=4).update(due_date=today - timedelta(days=1))
    plans["done"].steps.filter(order=4).update(due_date=today - timedelta(days=1))
    RepatriationPlan.objects.filter(pk=plans["done"].pk).update(status=PlanStatus.COMPLETED)
    html = login(client, world.coordinator).get("/repatriation/").content.decode()
    positions = [
        html.index(cases[k].reference) for k in ("overdue", "blocked", "soon", "rest", "done")
    ]
    assert positions == sorted(positions)


def _plans(world, n):
    for _ in range(n):
        case = make_case(world.owner, by=world.caseworker)
        access.grant(case, world.embassy, [access.VIEW, access.UPDATE_REPATRIATION])
        new_plan(world, case)


@pytest.mark.parametrize("n", [10, 50])
def test_my_repatriations_query_count_is_flat(client, world, django_assert_num_queries, n):
    _plans(world, n)
    c = login(client, world.liaison)
    # 1 session, 2 user, 3 plans (with case, organisations, counts and can_update),
    # 4 steps with responsible organisation and changed_by.
    with django_assert_num_queries(4):
        r = c.get("/repatriation/")
    assert r.content.decode().count('class="card rp-plan"') == n


def test_the_page_is_usable_at_phone_width_markup(client, world, plan):
    """No inline styles (CSP) and a semantic progress bar."""
    html = login(client, world.liaison).get("/repatriation/").content.decode()
    assert "style=" not in html
    assert "<progress " in html


# --- admin: templates per route --------------------------------------------------------------


def test_staff_adjust_a_route_template_in_the_admin(client, world):
    from partners.models import User

    admin = User.objects.create_superuser("root", "root@example.org", PW)
    client.force_login(admin)
    assert client.get("/admin/repatriation/steptemplate/").status_code == 200
    r = client.post(
        "/admin/repatriation/steptemplate/add/",
        {
            "name": "Malaysia to Cambodia",
            "organization": "",
            "home_country": "KH",
            "current_country": "MY",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-order": "1",
            "items-0-kind": StepKind.NATIONALITY,
            "items-0-responsible": "embassy",
            "items-0-due_after_days": "5",
            "items-1-order": "2",
            "items-1-kind": StepKind.DEPARTED,
            "items-1-responsible": "lead",
            "items-1-due_after_days": "20",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    route = StepTemplate.objects.get(name="Malaysia to Cambodia")
    plan = new_plan(world)
    assert plan.template == route
    assert list(plan.steps.values_list("kind", "responsible_organization")) == [
        (StepKind.NATIONALITY, world.embassy.pk),
        (StepKind.DEPARTED, world.lead.pk),
    ]


def test_plan_details_are_edited_and_audited(client, world, plan):
    from audit.models import AccessEvent, AuditAction
    from cases.models import TimelineEntry

    c = login(client, world.liaison)
    url = reverse("repatriation:plan_edit", args=[world.case.pk])
    html = c.get(url).content.decode()
    assert "Shelter in Penang" in html
    assert AccessEvent.objects.filter(
        action=AuditAction.VIEWED_IDENTITY, actor=world.liaison, detail__field="place"
    ).exists()
    r = c.post(
        url,
        {
            "current_country": "MY",
            "situation": "free",
            "place": "Shelter in Penang",
            "home_country": "KH",
            "embassy": world.embassy.pk,
            "lead_organization": world.lead.pk,
            "target_return_date": "2031-05-01",
        },
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert (str(plan.target_return_date), plan.situation, plan.version) == ("2031-05-01", "free", 2)
    assert TimelineEntry.objects.filter(kind="repatriation_plan_updated").count() == 1


def test_a_partner_without_identity_never_sees_or_changes_the_place(client, world, plan):
    partner = UserFactory(username="p-coord", organization=world.other, role=Role.COORDINATOR)
    access.grant(world.case, world.other, [access.VIEW, access.UPDATE_REPATRIATION])
    c = login(client, partner)
    url = reverse("repatriation:plan_edit", args=[world.case.pk])
    html = c.get(url).content.decode()
    assert "Shelter in Penang" not in html and 'name="place"' not in html
    c.post(
        url,
        {
            "current_country": "MY",
            "situation": "shelter",
            "place": "changed",
            "home_country": "KH",
            "embassy": world.embassy.pk,
            "lead_organization": world.lead.pk,
        },
    )
    plan.refresh_from_db()
    assert plan.place == "Shelter in Penang"


def test_anonymous_users_are_sent_to_log_in(client, world, plan):
    s = plan.steps.first()
    for url in (
        "/repatriation/",
        reverse("repatriation:step", args=[s.pk]),
        reverse("repatriation:plan_edit", args=[world.case.pk]),
    ):
        r = client.get(url)
        assert r.status_code == 302 and r.url.startswith("/accounts/login/")
