"""Demo identification (idempotent: a case with an interview is left as it is). Called by
seed_demo after the cases exist: the men of the fishing boat were interviewed; the first
interview is complete, with the events of his story, and waits for the coordinator's
decision; the second stopped part-way, as the man asked."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases import identity_index
from cases.models import Case
from partners.models import Organization, User

from . import gazetteer, services
from .models import Interview


def _case(owner: Organization, given: str, family: str) -> Case | None:
    return identity_index.first_with_latin_name(
        Case.objects.filter(owner_organization=owner), given, family
    )


@transaction.atomic
def seed(*, orgs: dict[str, Organization], users: dict[str, User]) -> None:
    owner = orgs["PPCARE"]
    caseworker = users["caseworker"]
    today = timezone.localdate()
    case = _case(owner, "Sokha", "Pov")
    if case is not None and not Interview.objects.filter(case=case).exists():
        services.interview_save(
            case=case,
            by=caseworker,
            fields={
                "held_on": today,
                "place": gazetteer.resolve("Phnom Penh"),
                "interpreter_language": "km",
                "consented_to_interview": True,
                "support_person_present": True,
                "notes": "Interviewed at the shelter after his return; tired, asked for breaks.",
            },
            answers={
                "ilo": {
                    "deception": ("yes", "Promised factory work in Thailand, put on a boat."),
                    "retention_of_documents": ("yes", "The skipper kept all passports."),
                    "withholding_of_wages": ("yes", "No pay for eleven months."),
                    "debt_bondage": ("yes", "Broker's fee of 30,000 baht deducted."),
                    "excessive_overtime": ("yes", ""),
                    "physical_sexual_violence": ("declined", ""),
                    "isolation": ("yes", "Months at sea without landing."),
                },
                "amp": {
                    "act_recruitment": ("yes", ""),
                    "act_transport": ("yes", ""),
                    "means_deception": ("yes", ""),
                    "purpose_exploitation": ("yes", ""),
                },
            },
            complete=True,
        )
        events = [
            {
                "stage": "recruitment",
                "place": gazetteer.resolve("Banteay Meanchey"),
                "period": "about a year ago",
                "recruitment_method": "broker",
                "debt_amount": Decimal("30000"),
                "debt_currency": "THB",
            },
            {"stage": "transit", "place": gazetteer.resolve("Poipet"), "period": "a year ago"},
            {
                "stage": "exploitation",
                "place": gazetteer.resolve("Terengganu"),
                "started_on": today - timedelta(days=330),
                "ended_on": today - timedelta(days=20),
                "industry": "03.11",
                "workplace": "KN 4471",
            },
        ]
        for fields in events:
            services.event_save(case=case, by=caseworker, fields=fields)
    case = _case(owner, "Vannak", "Heng")
    if case is not None and not Interview.objects.filter(case=case).exists():
        services.interview_save(
            case=case,
            by=caseworker,
            fields={"held_on": today, "interpreter_language": "km"},
            answers={"ilo": {"deception": ("yes", ""), "debt_bondage": ("unknown", "")}},
        )
