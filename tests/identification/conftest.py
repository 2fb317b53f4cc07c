import datetime as dt

import pytest
from django.utils import timezone

from partners.roles import Role
from tests.factories import PersonFactory, UserFactory, make_case


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role=Role.COORDINATOR)


@pytest.fixture
def liaison(org):
    return UserFactory(username="liaison", organization=org, role=Role.LIAISON)


@pytest.fixture
def fisherman_case(org, caseworker):
    """A case registered 40 days ago, of a man of 30."""
    return make_case(
        org,
        by=caseworker,
        person=PersonFactory.build(estimated_age=30),
        created_at=timezone.now() - dt.timedelta(days=40),
    )


@pytest.fixture
def child_case(org, caseworker):
    today = timezone.localdate()
    return make_case(
        org,
        by=caseworker,
        person=PersonFactory.build(
            estimated_age=None, date_of_birth=today.replace(year=today.year - 15)
        ),
        created_at=timezone.now() - dt.timedelta(days=40),
    )
