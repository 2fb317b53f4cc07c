import pytest
from django.utils import timezone

from cases.models import CaseNote, Consent, DistressCall, Person
from cases.services import case_note_add
from partners.models import OrganizationKind
from repatriation.models import RepatriationPlan, RepatriationStep, Situation, StepKind
from tests.factories import OrganizationFactory, PersonFactory, make_case

# A value that must never appear in plain text anywhere in the database.
CANARY = "Zqxcanary"
CANARY_PHONE = "+85597123987"


def seed_canaries(org, by):
    """A case whose every identifying field holds the canary (history rows follow)."""
    person = PersonFactory.build(
        given_name=f"{CANARY}ណា",
        family_name=f"{CANARY}ស",
        given_name_latin=f"{CANARY}given",
        family_name_latin=f"{CANARY}family",
        phone=CANARY_PHONE,
        document_number=f"N{CANARY}77",
        family_contacts=f"Mother {CANARY} in Battambang",
    )
    case = make_case(org, by=by, person=person, current_place=f"Hut of {CANARY}")
    case_note_add(case=case, by=by, body=f"Note about {CANARY}")
    Consent.objects.create(
        case=case, purpose="repatriation", granted=True, method="verbal", note=f"said {CANARY}"
    )
    call = DistressCall.objects.create(
        organization=org,
        channel="phone",
        caller_name=f"{CANARY} caller",
        caller_relation="family",
        caller_phone=CANARY_PHONE,
        callback_notes=f"after 6 {CANARY}",
        reported_place=f"{CANARY} bay",
        reported_port=f"{CANARY} port",
        vessel=f"{CANARY} boat",
        employer=f"{CANARY} ltd",
        summary=f"{CANARY} summary",
        urgency="urgent",
        received_at=timezone.now(),
    )
    call.cases.add(case)
    embassy = OrganizationFactory(
        name=f"Embassy {case.pk}", code=f"emb{case.pk}", country="MY", kind=OrganizationKind.EMBASSY
    )
    plan = RepatriationPlan.objects.create(
        case=case,
        current_country="MY",
        place=f"Shelter of {CANARY}",
        situation=Situation.SHELTER,
        home_country="KH",
        embassy=embassy,
        lead_organization=org,
    )
    step = RepatriationStep.objects.create(plan=plan, order=1, kind=StepKind.choices[0][0])
    step.note = f"Step note {CANARY}"
    step.save()
    person.given_name_latin = f"{CANARY}renamed"
    person.save()  # a second history row
    return case


@pytest.fixture
def canary_case(org, caseworker):
    return seed_canaries(org, caseworker)


__all__ = ["CANARY", "CANARY_PHONE", "CaseNote", "Person", "seed_canaries"]
