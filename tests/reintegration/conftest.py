from types import SimpleNamespace

import pytest

from cases import access
from cases.services import consent_record
from partners.models import OrganizationKind
from partners.roles import Role
from referrals import services as referrals
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case


def consent(case, by, purpose="share_partners", granted=True):
    return consent_record(case=case, by=by, purpose=purpose, granted=granted, method="verbal")


def accepted_referral(w, to, service, by_receiver):
    referral = referrals.referral_create(
        by=w.caseworker, case=w.case, to_organization=to, service=service, urgency="routine"
    )
    referrals.referral_accept(by=by_receiver, referral=referral)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def w(db):
    """A destination NGO in Malaysia owning a case of a Cambodian man, 30; a Cambodian NGO that
    provides micro-loans (an accepted livelihood referral); a police unit (a law-enforcement
    referral: view only); an unrelated NGO; one user per role that matters."""
    owner = OrganizationFactory(name="Penang Rescue", code="pgr", country="MY")
    provider = OrganizationFactory(name="Phnom Penh Lifeline", code="ppl", country="KH")
    police = OrganizationFactory(
        name="Anti-trafficking Police", code="atp", country="MY", kind=OrganizationKind.NGO
    )
    other = OrganizationFactory(name="Unrelated NGO", code="unr", country="LA")
    ns = SimpleNamespace(
        owner=owner,
        provider=provider,
        police=police,
        other=other,
        caseworker=UserFactory(username="cw", organization=owner, role=Role.CASEWORKER),
        coordinator=UserFactory(username="coord", organization=owner, role=Role.COORDINATOR),
        liaison=UserFactory(username="li", organization=owner, role=Role.LIAISON),
        provider_cw=UserFactory(username="pcw", organization=provider, role=Role.CASEWORKER),
        provider_coord=UserFactory(username="pcoord", organization=provider, role=Role.COORDINATOR),
        police_cw=UserFactory(username="police", organization=police, role=Role.CASEWORKER),
        other_cw=UserFactory(username="ocw", organization=other, role=Role.CASEWORKER),
    )
    person = PersonFactory.build(sex="male", estimated_age=30, nationality="KH")
    ns.case = make_case(owner, by=ns.caseworker, person=person, country_of_origin="KH")
    consent(ns.case, ns.caseworker)
    ns.referral = accepted_referral(ns, provider, "livelihood", ns.provider_cw)
    ns.police_referral = accepted_referral(ns, police, "law_enforcement", ns.police_cw)
    assert access.RECORD_SERVICES in access.org_perms(provider, ns.case)
    assert access.org_perms(police, ns.case) == {access.VIEW}
    return ns
