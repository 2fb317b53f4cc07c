from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import CaseExploitation, Consent
from cases.vocab import ConsentMethod, ConsentPurpose, Sex
from partners.roles import Role
from tests.factories import PersonFactory, UserFactory, make_case


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role=Role.COORDINATOR)


@pytest.fixture
def other_coordinator(other_org):
    return UserFactory(username="coord-other", organization=other_org, role=Role.COORDINATOR)


def birthday_not_reached(on: date, years: int) -> date:
    """A date of birth that makes someone ``years`` old on ``on`` — their birthday that year
    still to come (tomorrow), so an age computed from the year alone would be one too many."""
    tomorrow = on + timedelta(days=1)
    return tomorrow.replace(year=tomorrow.year - years - 1)


def build_case(
    org,
    by=None,
    *,
    sex=Sex.MALE,
    age=30,
    dob=None,
    nationality="KH",
    exploitation=(),
    statistics=None,
    **fields,
):
    """A case through the real intake service, with its person's facts, exploitation types
    and (if ``statistics`` is not None) a consent decision on anonymised statistics."""
    person = PersonFactory.build(
        sex=sex, estimated_age=age, date_of_birth=dob, nationality=nationality
    )
    case = make_case(org, by=by, person=person, **fields)
    CaseExploitation.objects.bulk_create(
        [CaseExploitation(case=case, type=t) for t in exploitation]
    )
    if statistics is not None:
        Consent.objects.create(
            case=case,
            purpose=ConsentPurpose.STATISTICS,
            granted=statistics,
            method=ConsentMethod.VERBAL,
            given_at=timezone.now() - timedelta(days=1),
        )
    return case
