import pytest

from cases.models import Consent
from cases.vocab import ConsentMethod, ConsentPurpose
from partners.models import OrganizationKind
from partners.roles import Role
from tests.factories import OrganizationFactory, UserFactory


def give_consent(case, *purposes, granted=True):
    for purpose in purposes:
        Consent.objects.create(
            case=case, purpose=purpose, granted=granted, method=ConsentMethod.VERBAL
        )


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role=Role.COORDINATOR)


@pytest.fixture
def embassy(db):
    return OrganizationFactory(
        name="Royal Embassy of Cambodia, Kuala Lumpur",
        code="khembkl",
        kind=OrganizationKind.EMBASSY,
        country="MY",
    )


@pytest.fixture
def liaison(embassy):
    return UserFactory(
        username="liaison", organization=embassy, role=Role.LIAISON, preferred_language="km"
    )


@pytest.fixture
def shelter(db):
    return OrganizationFactory(
        name="Safe Harbour Shelter", code="safepg", kind=OrganizationKind.SHELTER, country="MY"
    )


@pytest.fixture
def shelter_worker(shelter):
    return UserFactory(username="shelterworker", organization=shelter)


@pytest.fixture
def consented_case(case_in):
    give_consent(case_in, ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT)
    return case_in
