"""The access matrix of the case list and the case detail page, and the list's query count.

Organisations: the owner, another organisation, and a partner holding only a view grant.
Every role in each."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from cases import access
from partners.roles import Role
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

NAME = "សុខា ពៅ"


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own")
    other = OrganizationFactory(name="Other NGO", code="oth")
    viewer = OrganizationFactory(name="View-only partner", code="vwo")
    case = make_case(
        owner, person=PersonFactory.build(given_name="សុខា", family_name="ពៅ", phone="+85512999888")
    )
    access.grant(case, viewer, [access.VIEW])
    return {"owner": owner, "other": other, "viewer": viewer, "case": case}


# (organisation, role) -> (sees the case, sees the identity)
MATRIX = {
    ("owner", Role.CASEWORKER): (True, True),
    ("owner", Role.COORDINATOR): (True, True),
    ("owner", Role.LIAISON): (True, True),
    ("owner", Role.ORG_ADMIN): (False, False),
    ("other", Role.CASEWORKER): (False, False),
    ("other", Role.COORDINATOR): (False, False),
    ("other", Role.LIAISON): (False, False),
    ("other", Role.ORG_ADMIN): (False, False),
    ("viewer", Role.CASEWORKER): (True, False),
    ("viewer", Role.COORDINATOR): (True, False),
    ("viewer", Role.LIAISON): (True, False),
    ("viewer", Role.ORG_ADMIN): (False, False),
}


@pytest.mark.parametrize(("org_key", "role"), list(MATRIX))
def test_case_detail_matrix(client, world, org_key, role):
    sees, sees_identity = MATRIX[(org_key, role)]
    user = UserFactory(username=f"{org_key}-{role}", organization=world[org_key], role=role)
    client.force_login(user)
    case = world["case"]
    response = client.get(reverse("cases:detail", args=[case.pk]))
    if not sees:
        assert response.status_code == 404
        assert case.reference not in response.content.decode()
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert (NAME in html) is sees_identity
    assert ("12999888" in html) is sees_identity
    assert (case.pseudonym in html) is not sees_identity
    viewed = AccessEvent.objects.filter(action=AuditAction.VIEWED_IDENTITY, actor=user).count()
    assert viewed == (1 if sees_identity else 0)


@pytest.mark.parametrize(("org_key", "role"), list(MATRIX))
def test_case_list_matrix(client, world, org_key, role):
    sees, sees_identity = MATRIX[(org_key, role)]
    user = UserFactory(username=f"{org_key}-{role}", organization=world[org_key], role=role)
    client.force_login(user)
    html = client.get(reverse("cases:list")).content.decode()
    assert (world["case"].reference in html) is sees
    assert (NAME in html) is sees_identity
    assert (world["case"].pseudonym in html) is (sees and not sees_identity)


def test_pages_need_a_login(client, world):
    for url in (
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[world["case"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_unknown_case_id_is_404(client, caseworker):
    client.force_login(caseworker)
    assert client.get("/cases/987654321/").status_code == 404


def _fill(org, n, **fields):
    for _ in range(n):
        make_case(org, **fields)


# Filters the count must hold with: they all become WHERE clauses of the same two queries.
FILTERS = {
    "status": "open",
    "urgency": "urgent",
    "exploitation": "forced_labour",
    "country": "MY",
    "mine": "on",
    "sort": "urgency",
}


@pytest.mark.parametrize("params", [{}, FILTERS], ids=["no-filter", "all-filters"])
def test_case_list_query_count_does_not_grow_with_rows(
    client, org, caseworker, django_assert_num_queries, params
):
    from cases.models import CaseExploitation

    client.force_login(caseworker)
    fields = {"urgency": "urgent", "country_of_exploitation": "MY", "assigned_to": caseworker}

    def fill(n):
        for _ in range(n):
            case = make_case(org, **fields)
            CaseExploitation.objects.create(case=case, type="forced_labour")

    fill(10)
    make_case(org)  # routine, not in Malaysia, unassigned: filtered out when filters apply
    expected_rows = 10 if params else 11
    # 1 session, 2 user with organisation, 3 the per-status counts and the paginator's
    # total (one aggregate), 4 the page of cases with person, owner and assignee joined and
    # identity permission annotated. None per row.
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:list"), params)
    assert response.content.decode().count("<tr>") == expected_rows + 1
    assert f"{expected_rows} cases" in response.content.decode()
    fill(40)
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:list"), params)
    assert response.content.decode().count("<tr>") == 50 + 1
    assert f"{expected_rows + 40} cases" in response.content.decode()


def test_case_list_paginates_at_50(client, org, caseworker):
    client.force_login(caseworker)
    _fill(org, 51)
    first = client.get(reverse("cases:list")).content.decode()
    second = client.get(reverse("cases:list") + "?page=2").content.decode()
    assert first.count("<tr>") == 51 and second.count("<tr>") == 2
    assert "51 cases" in first


def test_search_by_reference(client, org, caseworker):
    client.force_login(caseworker)
    a, b = make_case(org), make_case(org)
    html = client.get(reverse("cases:list"), {"q": a.reference}).content.decode()
    assert a.reference in html and b.reference not in html


def test_home_shows_organisation_and_role(client, caseworker, case_in):
    client.force_login(caseworker)
    html = client.get(reverse("home")).content.decode()
    assert "Mekong Lifeline Cambodia" in html and "Caseworker" in html
