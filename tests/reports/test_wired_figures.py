"""The referral and repatriation figures against a hand-built data set, and every number of
the dashboard leading to a list that shows exactly that many cases (or referrals)."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cases import access
from cases.models import DistressCall
from cases.vocab import CallChannel, CaseStatus, ExploitationType, Industry, Sex, Urgency
from partners.models import OrganizationKind
from referrals.models import Referral, ReferralStatus
from repatriation.figures import blocked_overdue, by_step, median_days_home
from repatriation.models import PlanStatus, RepatriationStep, Situation, StepKind, StepStatus
from repatriation.services import plan_create
from reports import selectors
from reports.figures import Figure
from reports.selectors import Filters
from tests.factories import OrganizationFactory

from .conftest import build_case

pytestmark = pytest.mark.django_db


def values(figure: Figure | None) -> dict[str, int | float]:
    assert figure is not None
    return {str(r.label): r.value for r in figure.rows}


@pytest.fixture
def world(org, other_org, caseworker, other_caseworker, coordinator, other_coordinator):
    """Cases of ``org`` and ``other_org`` (registered 10 days ago unless said), with
    referrals between them and repatriation plans in known states."""
    now = timezone.now()
    registered = now - timedelta(days=10)
    embassy = OrganizationFactory(
        name="KH Embassy KL", code="khemb", country="MY", kind=OrganizationKind.EMBASSY
    )
    lead = OrganizationFactory(name="Migration Office", code="iom", country="MY")

    def case(owner, by, **fields):
        fields.setdefault("created_at", registered)
        fields.setdefault("status", CaseStatus.ACTIVE)
        return build_case(owner, by, **fields)

    def plan(c, by, *, status=PlanStatus.IN_PROGRESS):
        p = plan_create(
            case=c,
            by=by,
            current_country="MY",
            situation=Situation.SHELTER,
            home_country="KH",
            embassy=embassy,
            lead_organization=lead,
        )
        p.status = status
        p.save(update_fields=["status"])
        return p

    def steps(p):
        return {s.kind: s for s in p.steps.all()}

    def mark(p, kinds, status=StepStatus.DONE, at=None, **extra):
        RepatriationStep.objects.filter(plan=p, kind__in=kinds).update(
            status=status, done_at=at if status == StepStatus.DONE else None, **extra
        )

    def refer(c, frm, to, by, *, overdue=False, status=ReferralStatus.PENDING):
        return Referral.objects.create(
            case=c,
            from_organization=frm,
            to_organization=to,
            service="shelter",
            urgency=Urgency.URGENT,
            status=status,
            respond_by=now + (timedelta(hours=-2) if overdue else timedelta(hours=20)),
            created_by=by,
        )

    def call(c, at):
        dc = DistressCall.objects.create(
            organization=c.owner_organization,
            received_at=at,
            channel=CallChannel.HOTLINE,
            summary="Call",
            urgency=Urgency.URGENT,
        )
        dc.cases.add(c)

    # --- referrals -----------------------------------------------------------------------
    # A: org referred it to other_org, awaiting (and also to the lead, awaiting: one case).
    a = case(org, caseworker, sex=Sex.FEMALE, industry=Industry.FISHING)
    refer(a, org, other_org, caseworker)
    refer(a, org, lead, caseworker)
    # B: org referred it, overdue.
    b = case(org, caseworker, country_of_exploitation="TH", exploitation=[ExploitationType.SEXUAL])
    refer(b, org, other_org, caseworker, overdue=True)
    # An accepted and a declined referral: not awaiting.
    accepted = case(org, caseworker)
    refer(accepted, org, other_org, caseworker, status=ReferralStatus.ACCEPTED)
    refer(case(org, caseworker), org, other_org, caseworker, status=ReferralStatus.DECLINED)
    # Outside the period: not counted.
    old = case(org, caseworker, created_at=now - timedelta(days=800))
    refer(old, org, other_org, caseworker, overdue=True)
    # Received by org from other_org: one awaiting, one overdue (cases org cannot see).
    e1 = case(other_org, other_caseworker)
    refer(e1, other_org, org, other_caseworker)
    e2 = case(other_org, other_caseworker, urgency=Urgency.IMMEDIATE)
    refer(e2, other_org, org, other_caseworker, overdue=True)

    # --- repatriation --------------------------------------------------------------------
    # P1: at the first step (nothing done), one step overdue.
    p1 = case(org, caseworker, status=CaseStatus.IN_REPATRIATION, sex=Sex.MALE)
    rp1 = plan(p1, coordinator)
    RepatriationStep.objects.filter(plan=rp1, kind=StepKind.INTERVIEW).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    # P2: located and interviewed, blocked at consent.
    p2 = case(org, caseworker, status=CaseStatus.IN_REPATRIATION)
    rp2 = plan(p2, coordinator)
    mark(rp2, [StepKind.LOCATED_SAFE, StepKind.INTERVIEW], at=now)
    mark(rp2, [StepKind.CONSENT], status=StepStatus.BLOCKED, reason="Waiting")
    # P3: suspended, at consent: counted by step, not as blocked/overdue (not open).
    p3 = case(org, caseworker, status=CaseStatus.IN_REPATRIATION)
    rp3 = plan(p3, coordinator, status=PlanStatus.SUSPENDED)
    mark(rp3, [StepKind.LOCATED_SAFE, StepKind.INTERVIEW], at=now)
    RepatriationStep.objects.filter(plan=rp3).exclude(status=StepStatus.DONE).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    # Returned home, three cases: 10, 6 and 3 days; median 6.
    before_home = [
        k for k, _label in StepKind.choices if k not in (StepKind.ARRIVED, StepKind.HANDED_OVER)
    ][:9]
    r1 = case(org, caseworker, status=CaseStatus.IN_REINTEGRATION)
    call(r1, registered - timedelta(days=2))  # first call 12 days ago, home 2 days ago
    call(r1, registered + timedelta(days=1))
    rr1 = plan(r1, coordinator, status=PlanStatus.COMPLETED)
    mark(rr1, before_home, at=now - timedelta(days=3))
    mark(rr1, [StepKind.ARRIVED], at=now - timedelta(days=2))
    r2 = case(org, caseworker, status=CaseStatus.IN_REINTEGRATION)  # no call: registration
    rr2 = plan(r2, coordinator)
    mark(rr2, before_home, at=now - timedelta(days=5))
    mark(rr2, [StepKind.ARRIVED, StepKind.HANDED_OVER], at=now - timedelta(days=4))
    r3 = case(org, caseworker, status=CaseStatus.IN_REINTEGRATION)
    rr3 = plan(r3, coordinator)
    mark(rr3, before_home, at=now - timedelta(days=8))
    mark(rr3, [StepKind.HANDED_OVER], at=now - timedelta(days=7))  # earliest home step
    mark(rr3, [StepKind.ARRIVED], at=now - timedelta(days=5))
    # A cancelled plan at the first step: counted nowhere.
    plan(case(org, caseworker), coordinator, status=PlanStatus.CANCELLED)
    # Shared with org (view): other_org's plan, blocked and overdue.
    shared = case(other_org, other_caseworker, status=CaseStatus.IN_REPATRIATION)
    access.grant(shared, org, [access.VIEW])
    rs = plan(shared, other_coordinator)
    mark(rs, [StepKind.LOCATED_SAFE], status=StepStatus.BLOCKED, reason="Detained")
    RepatriationStep.objects.filter(plan=rs, kind=StepKind.INTERVIEW).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    # other_org's own plan, not shared: blocked; only other_org counts it.
    hidden = case(other_org, other_caseworker, status=CaseStatus.IN_REPATRIATION)
    rh = plan(hidden, other_coordinator)
    mark(rh, [StepKind.LOCATED_SAFE], status=StepStatus.BLOCKED, reason="Detained")
    # A recent call on a case org can see, for the calls figure.
    call(a, now - timedelta(days=1))
    return SimpleNamespace(a=a, b=b, p1=p1, p2=p2, shared=shared, hidden=hidden)


def test_referrals_awaiting_and_overdue_sent_and_received(coordinator, world):
    from referrals.figures import referrals_waiting

    assert values(referrals_waiting(coordinator, Filters.default())) == {
        "Sent, awaiting a response": 2,  # A (two referrals, one case) and B
        "Sent, response overdue": 1,  # B
        "Received, awaiting our response": 2,
        "Received, our response overdue": 1,
    }


def test_referrals_seen_from_the_other_organisation(other_coordinator, world):
    from referrals.figures import referrals_waiting

    assert values(referrals_waiting(other_coordinator, Filters.default())) == {
        "Sent, awaiting a response": 2,
        "Sent, response overdue": 1,
        # A and B were sent to other_org: their cases are not visible to it, still counted.
        "Received, awaiting our response": 2,
        "Received, our response overdue": 1,
    }


def test_referrals_obey_the_country_filter(coordinator, world):
    from referrals.figures import referrals_waiting

    th = Filters(Filters.default().date_from, Filters.default().date_to, country="TH")
    assert values(referrals_waiting(coordinator, th)) == {
        "Sent, awaiting a response": 1,
        "Sent, response overdue": 1,
        "Received, awaiting our response": 0,
        "Received, our response overdue": 0,
    }


def test_repatriations_by_current_step(coordinator, other_coordinator, world):
    got = values(by_step(coordinator, Filters.default()))
    assert got[str(StepKind.LOCATED_SAFE.label)] == 2  # P1 and the shared plan (blocked)
    assert got[str(StepKind.CONSENT.label)] == 2  # P2 (blocked) and P3 (suspended)
    # R2 and R3 are in progress with follow-ups left: their current step is the 3-month one.
    assert got[str(StepKind.FOLLOW_UP_3.label)] == 2
    assert sum(got.values()) == 6  # the completed and the cancelled plans are left out
    other = values(by_step(other_coordinator, Filters.default()))
    assert other[str(StepKind.LOCATED_SAFE.label)] == 2  # shared and hidden
    assert sum(other.values()) == 2


def test_repatriations_blocked_or_overdue(coordinator, other_coordinator, world):
    assert values(blocked_overdue(coordinator, Filters.default())) == {
        "Blocked": 2,  # P2 and the shared plan
        "Overdue": 2,  # P1 and the shared plan; P3 is suspended
    }
    assert values(blocked_overdue(other_coordinator, Filters.default())) == {
        "Blocked": 2,
        "Overdue": 1,
    }


def test_median_days_from_first_call_to_return_home(coordinator, other_coordinator, world):
    figure = median_days_home(coordinator, Filters.default())
    assert values(figure) == {"Median days": 6.0}
    assert figure is not None and not figure.chart and figure.rows[0].url is None
    assert "Over 3 cases" in str(figure.note)
    # Nobody of other_org's cases is home: the figure is left out.
    assert median_days_home(other_coordinator, Filters.default()) is None


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter_errors"], (url, response.context["filter_errors"])
    return response.context["page"].paginator.count


@pytest.mark.parametrize("who", ["coordinator", "other_coordinator"])
def test_every_number_opens_a_list_of_that_many(client, request, world, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    shown = selectors.dashboard(user, Filters.default())
    names = {s.name for s in shown}
    assert {"referrals_waiting", "repatriation_by_step", "repatriation_blocked"} <= names
    checked = 0
    for s in shown:
        for row in s.figure.rows:
            if row.url is None:
                continue
            path = urlsplit(row.url).path
            assert path in ("/cases/", "/referrals/"), row.url
            # "Calls this week" counts calls; here each recent call is on one case.
            assert _listed(client, row.url) == row.value, (s.name, str(row.label), row.url)
            checked += 1
    assert checked > 40


def test_other_organisation_lists_only_what_it_may_see(client, other_coordinator, world):
    client.force_login(other_coordinator)
    page = client.get("/cases/", {"repatriation": "blocked"})
    refs = {c.reference for c in page.context["page"].object_list}
    assert refs == {world.shared.reference, world.hidden.reference}
    page = client.get("/cases/", {"referral": "sent_pending"})
    assert page.context["page"].paginator.count == 2
    assert world.a.reference not in page.content.decode()


def test_received_numbers_link_to_the_incoming_referrals(coordinator, world):
    from referrals.figures import referrals_waiting

    figure = referrals_waiting(coordinator, Filters.default())
    q = parse_qs(urlsplit(figure.rows[3].url).query)
    assert urlsplit(figure.rows[3].url).path == "/referrals/"
    assert q["status"] == ["pending"] and q["overdue"] == ["1"]
    assert q["created_from"] and q["created_to"]


def test_case_list_filter_links_from_figures(coordinator, world):
    filters = Filters.default()
    url = by_step(coordinator, filters).rows[0].url
    assert parse_qs(urlsplit(url).query)["repatriation_step"] == [StepKind.LOCATED_SAFE]
    url = blocked_overdue(coordinator, filters).rows[0].url
    assert parse_qs(urlsplit(url).query)["repatriation"] == ["blocked"]


def test_case_list_shows_active_filters_each_with_a_way_to_clear_it(client, coordinator, world):
    client.force_login(coordinator)
    response = client.get(
        "/cases/",
        {"status": ["active", "in_repatriation"], "exploitation": ExploitationType.SEXUAL},
    )
    assert response.context["page"].paginator.count == 1  # B
    chips = {(str(c.label), c.text): c.clear_query for c in response.context["active_filters"]}
    assert set(chips) == {
        ("Status", "Active"),
        ("Status", "In repatriation"),
        ("Exploitation", "Sexual exploitation"),
    }
    # Clearing one status keeps the other and the exploitation.
    assert parse_qs(chips[("Status", "Active")]) == {
        "status": ["in_repatriation"],
        "exploitation": ["sexual_exploitation"],
    }
    html = response.content.decode()
    assert "Clear the filter Status: Active" in html
    # Several statuses at once, as checkboxes.
    assert 'type="checkbox" name="status" value="active"' in html
    both = client.get("/cases/", {"status": ["active", "in_repatriation"]})
    only = client.get("/cases/", {"status": ["in_repatriation"]})
    assert both.context["page"].paginator.count > only.context["page"].paginator.count > 0


@pytest.mark.parametrize(
    "params, name",
    [
        ({"age_band": "7-9"}, "Age band"),
        ({"created_from": "yesterday"}, "Registered from"),
        ({"status": ["open", "lost"]}, "Status"),
        ({"repatriation_step": "teleported"}, "Repatriation step"),
        ({"country": "XX"}, "Country of exploitation"),
        ({"created_from": "2026-05-01", "created_to": "2026-01-01"}, "Registered until"),
    ],
)
def test_bad_filters_are_named_not_applied_and_never_a_500(
    client, coordinator, world, params, name
):
    client.force_login(coordinator)
    response = client.get("/cases/", params)
    assert response.status_code == 200
    errors = response.context["filter_errors"]
    assert len(errors) == 1 and f"“{name}” was not applied" in errors[0]
    assert errors[0] in response.content.decode().replace("&ldquo;", "“")


def test_empty_values_mean_no_filter(client, coordinator, world):
    client.force_login(coordinator)
    everything = _listed(client, "/cases/")
    assert _listed(client, "/cases/?status=&urgency=&age_band=&referral=") == everything > 0


def test_incoming_referrals_list_filters(client, coordinator, world):
    client.force_login(coordinator)
    assert _listed(client, "/referrals/?status=pending") == 2
    assert _listed(client, "/referrals/?status=pending&overdue=1") == 1
    response = client.get("/referrals/", {"status": "maybe"})
    assert response.status_code == 200
    assert "was not applied" in response.context["filter_errors"][0]


def test_caseworker_gets_no_dashboard(client, caseworker, world):
    client.force_login(caseworker)
    assert client.get("/reports/").status_code == 403


def test_dashboard_page_shows_the_new_figures_with_their_links(client, coordinator, world):
    client.force_login(coordinator)
    html = client.get("/reports/").content.decode()
    for title in (
        "Referrals awaiting a response",
        "Repatriations by current step",
        "Repatriations blocked or overdue",
        "Median days from first call to return home",
    ):
        assert title in html
    assert "6.0 <span" in html  # the median, a single number without a link
    assert "referral=sent_overdue" in html and "/referrals/?status=pending" in html
    assert "repatriation=blocked" in html and "repatriation_step=consent" in html


def test_filtered_case_list_query_count_does_not_grow(client, coordinator, org, caseworker, world):
    """Every filter is SQL: the page's query count is the same with more cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    params = {
        "status": ["active", "in_repatriation"],
        "referral": "sent_pending",
        "repatriation": "blocked",
        "repatriation_step": "consent",
        "age_band": "26-35",
        "call_from": "2020-01-01",
        "industry": "none",
        "country": "none",
    }

    # Rows are listed (30-year-olds registered today), so per-row queries would show.
    listed = {"status": ["active", "in_repatriation"], "age_band": "26-35", "urgency": "urgent"}

    def queries(p) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/cases/", p)
            assert response.status_code == 200 and not response.context["filter_errors"]
        return len(ctx.captured_queries), response.context["page"].paginator.count

    build_case(org, caseworker, status=CaseStatus.ACTIVE, urgency=Urgency.URGENT)
    every_filter, listed_before = queries(params)[0], queries(listed)
    assert listed_before[1] > 0
    for _i in range(15):
        build_case(org, caseworker, status=CaseStatus.ACTIVE, urgency=Urgency.URGENT)
    assert queries(params)[0] == every_filter
    n, count = queries(listed)
    assert n == listed_before[0] and count == listed_before[1] + 15
