"""Case list: filters, sorting, search by reference for all and by name or phone only for
those who may see identity."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import CaseExploitation, CaseGroup
from partners.roles import Role
from tests.factories import PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db
URL = reverse("cases:list")


def refs(client, **params) -> str:
    return client.get(URL, params).content.decode()


@pytest.fixture
def cases(org, caseworker):
    a = make_case(
        org,
        person=PersonFactory.build(
            given_name_latin="Sokha", family_name_latin="Pov", phone="+85512999001"
        ),
        status="active",
        urgency="immediate",
        country_of_exploitation="MY",
        assigned_to=caseworker,
    )
    CaseExploitation.objects.create(case=a, type="forced_labour")
    b = make_case(
        org,
        person=PersonFactory.build(
            given_name_latin="Nalee",
            family_name_latin="Phommavong",
            given_name="ນາລີ",
            family_name="ພົມມະວົງ",
            phone="",
        ),
        status="open",
        urgency="routine",
        country_of_exploitation="TH",
    )
    CaseExploitation.objects.create(case=b, type="sexual_exploitation")
    return a, b


@pytest.mark.parametrize(
    ("params", "sees_a", "sees_b"),
    [
        ({}, True, True),
        ({"status": "active"}, True, False),
        ({"urgency": "routine"}, False, True),
        ({"exploitation": "forced_labour"}, True, False),
        ({"exploitation": "sexual_exploitation"}, False, True),
        ({"country": "TH"}, False, True),
        ({"mine": "on"}, True, False),
    ],
)
def test_filters(client, caseworker, cases, params, sees_a, sees_b):
    a, b = cases
    client.force_login(caseworker)
    html = refs(client, **params)
    assert (a.reference in html) is sees_a
    assert (b.reference in html) is sees_b


def test_group_filter(client, caseworker, org, cases):
    a, b = cases
    group = CaseGroup.objects.create(owner_organization=org)
    a.group = group
    a.save()
    client.force_login(caseworker)
    html = refs(client, group=group.pk)
    assert a.reference in html and b.reference not in html


def test_unknown_country_filter_is_ignored_not_an_error(client, caseworker, cases):
    client.force_login(caseworker)
    response = client.get(URL, {"country": "XX"})
    assert response.status_code == 200


def test_sort_by_urgency_puts_immediate_first(client, caseworker, cases):
    a, b = cases
    client.force_login(caseworker)
    html = refs(client, sort="urgency")
    assert html.index(a.reference) < html.index(b.reference)
    html = refs(client, sort="reference")
    assert html.index(a.reference) < html.index(b.reference)
    # Status in workflow order (open before active), not alphabetical (active before open).
    html = refs(client, sort="status")
    assert html.index(b.reference) < html.index(a.reference)


def test_counts_per_status(client, caseworker, cases):
    client.force_login(caseworker)
    html = refs(client)
    assert "Open: 1" in html and "Active: 1" in html and "Closed: 0" in html
    # Counts ignore the status filter (they show where else to look), not the others.
    html = refs(client, status="active")
    assert "Open: 1" in html and "Active: 1" in html
    html = refs(client, status="active", urgency="immediate")
    assert "Open: 0" in html and "Active: 1" in html


def test_search_by_name_in_either_script(client, caseworker, cases):
    a, b = cases
    client.force_login(caseworker)
    html = refs(client, q="sokha pov", by="name")
    assert a.reference in html and b.reference not in html
    html = refs(client, q="ນາລີ", by="name")
    assert b.reference in html and a.reference not in html
    event = AccessEvent.objects.filter(action=AuditAction.SEARCHED_IDENTITY, actor=caseworker)
    assert event.count() == 2
    # The term itself is identity and is not written to the audit log.
    assert all("ນາລີ" not in str(e.detail) for e in event)


def test_search_by_phone_any_format(client, caseworker, cases):
    a, b = cases
    client.force_login(caseworker)
    html = refs(client, q="012 999 001", by="phone")  # local Cambodian format
    assert a.reference in html and b.reference not in html


def test_invalid_phone_search_says_so(client, caseworker, cases):
    client.force_login(caseworker)
    html = refs(client, q="12", by="phone")
    assert "not a valid phone number" in html


def test_identity_search_refused_without_the_role(client, org, cases):
    a, _b = cases
    admin = UserFactory(username="oa", organization=org, role=Role.ORG_ADMIN)
    client.force_login(admin)
    html = refs(client, q="Sokha", by="name")
    assert "may not search by name or phone" in html
    assert not AccessEvent.objects.filter(action=AuditAction.SEARCHED_IDENTITY).exists()


def test_identity_search_skips_cases_shared_without_identity(client, other_org, cases):
    """A partner holding only view may find the case by reference, never by name."""
    a, _b = cases
    access.grant(a, other_org, [access.VIEW])
    partner = UserFactory(username="p", organization=other_org, role=Role.CASEWORKER)
    client.force_login(partner)
    assert a.reference in refs(client, q=a.reference)
    html = refs(client, q="Sokha", by="name")
    assert a.reference not in html
    html = refs(client, q="+85512999001", by="phone")
    assert a.reference not in html


def test_other_organisations_cases_never_listed(client, other_caseworker, cases):
    a, b = cases
    client.force_login(other_caseworker)
    for params in ({}, {"q": a.reference}, {"q": "Sokha", "by": "name"}):
        html = refs(client, **params)
        # The typed term is echoed in the search box; no row may carry either case.
        assert f">{a.reference}</a>" not in html and f">{b.reference}</a>" not in html
        assert "No cases to show" in html
