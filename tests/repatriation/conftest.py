from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases import access
from cases.models import Consent
from cases.vocab import ConsentMethod, ConsentPurpose
from partners.models import OrganizationKind
from partners.roles import Role
from repatriation.models import Situation
from repatriation.services import plan_create
from tests.factories import OrganizationFactory, UserFactory, make_case


def give_consent(case, granted=True, minutes_ago=0):
    return Consent.objects.create(
        case=case,
        purpose=ConsentPurpose.REPATRIATION,
        granted=granted,
        method=ConsentMethod.VERBAL,
        given_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def world(db):
    """An owner NGO in Cambodia, the Cambodian embassy in Kuala Lumpur (granted as an accepted
    repatriation referral would), another embassy, a lead international organisation, and
    another NGO; one user per role that matters."""
    owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    embassy = OrganizationFactory(
        name="KH Embassy KL", code="khemb", country="MY", kind=OrganizationKind.EMBASSY
    )
    other_embassy = OrganizationFactory(
        name="LA Embassy KL", code="laemb", country="MY", kind=OrganizationKind.EMBASSY
    )
    lead = OrganizationFactory(
        name="Migration Office KL", code="iomkl", country="MY", kind=OrganizationKind.INTERNATIONAL
    )
    other = OrganizationFactory(name="Other NGO", code="oth", country="LA")
    ns = SimpleNamespace(
        owner=owner,
        embassy=embassy,
        other_embassy=other_embassy,
        lead=lead,
        other=other,
        caseworker=UserFactory(username="cw", organization=owner, role=Role.CASEWORKER),
        coordinator=UserFactory(username="coord", organization=owner, role=Role.COORDINATOR),
        liaison=UserFactory(username="liaison", organization=embassy, role=Role.LIAISON),
        liaison2=UserFactory(username="liaison2", organization=other_embassy, role=Role.LIAISON),
        lead_worker=UserFactory(username="leadcw", organization=lead, role=Role.COORDINATOR),
        other_caseworker=UserFactory(username="cw-other", organization=other),
    )
    ns.case = make_case(owner, by=ns.caseworker, current_country="MY")
    access.grant(ns.case, embassy, [access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION])
    return ns


def new_plan(world, case=None, *, by=None, **overrides):
    fields = {
        "current_country": "MY",
        "place": "Shelter in Penang",
        "situation": Situation.SHELTER,
        "home_country": "KH",
        "home_province": "Prey Veng",
        "embassy": world.embassy,
        "lead_organization": world.lead,
    }
    fields.update(overrides)
    return plan_create(case=case or world.case, by=by or world.coordinator, **fields)


@pytest.fixture
def plan(world):
    return new_plan(world)
