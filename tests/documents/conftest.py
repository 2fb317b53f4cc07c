import pytest

from cases import access
from partners.roles import Role
from tests.factories import OrganizationFactory, UserFactory, make_case


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def owner(db):
    return OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")


@pytest.fixture
def other(db):
    return OrganizationFactory(name="Lao Family Return Network", code="lfrn", country="LA")


@pytest.fixture
def partner(db):
    return OrganizationFactory(name="Safe Harbour Shelter", code="shs", country="MY")


@pytest.fixture
def caseworker(owner):
    return UserFactory(username="doc-cw", organization=owner, role=Role.CASEWORKER)


@pytest.fixture
def other_caseworker(other):
    return UserFactory(username="doc-other", organization=other, role=Role.CASEWORKER)


@pytest.fixture
def partner_caseworker(partner):
    """A partner that may see the case but not the person's identity."""
    return UserFactory(username="doc-partner", organization=partner, role=Role.CASEWORKER)


@pytest.fixture
def case(owner, caseworker, partner):
    case = make_case(owner, by=caseworker)
    access.grant(case, partner, [access.VIEW])
    return case
