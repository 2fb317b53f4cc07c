"""Demo reintegration (idempotent): the directory's offers of the demo organisations (a
shelter for men and boys in Phnom Penh among them), and Samnang Mao's return — handed over
about three weeks ago — with its follow-ups scheduled and a job training under way. Called by
seed_demo after repatriation's demo."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases import identity_index
from cases.models import Case
from partners.models import Organization, User
from repatriation.models import StepKind, StepStatus

from .followups import follow_ups_schedule
from .models import OfferArea, ServiceOffer, ServiceRecord
from .vocab import ForSex, ServiceStatus, ServiceType

# org code, service, for whom, ages, languages, beds free, areas, how to refer
OFFERS = [
    (
        "PPCARE",
        ServiceType.SHELTER,
        ForSex.MALE,
        (12, None),
        "km, en",
        4,
        ["KH-12"],
        "Refer through Homeward; we answer within a day.",
    ),
    (
        "PPCARE",
        ServiceType.JOB_TRAINING,
        ForSex.ANY,
        (16, None),
        "km",
        None,
        ["KH"],
        "Courses start every month in Phnom Penh and Battambang.",
    ),
    (
        "PPCARE",
        ServiceType.MICRO_LOAN,
        ForSex.ANY,
        (18, None),
        "km",
        None,
        ["KH-12", "KH-2"],
        "Loans up to 1,200,000 KHR, repaid monthly.",
    ),
    (
        "VTHOPE",
        ServiceType.SHELTER,
        ForSex.FEMALE,
        (None, None),
        "lo, en",
        2,
        ["LA-VT"],
        "Call the duty caseworker before arrival.",
    ),
    ("VTHOPE", ServiceType.PSYCHOSOCIAL, ForSex.ANY, (None, None), "lo", None, ["LA"], ""),
    (
        "SAFEPG",
        ServiceType.SHELTER,
        ForSex.ANY,
        (18, None),
        "en, ms",
        0,
        ["MY-07"],
        "Full this week: ask for the waiting list.",
    ),
]


@transaction.atomic
def seed(*, orgs: dict[str, Organization], users: dict[str, User]) -> None:
    today = timezone.localdate()
    for code, service, for_sex, (lo, hi), languages, beds, areas, how in OFFERS:
        org = orgs.get(code)
        if org is None or ServiceOffer.objects.filter(organization=org, service=service).exists():
            continue
        offer = ServiceOffer.objects.create(
            organization=org,
            service=service,
            for_sex=for_sex,
            age_min=lo,
            age_max=hi,
            languages=languages,
            beds_free=beds,
            capacity_updated_on=today if beds is not None else None,
            how_to_refer=how,
        )
        OfferArea.objects.bulk_create(
            OfferArea(offer=offer, country=a.split("-")[0], province=a if "-" in a else "")
            for a in areas
        )

    owner = orgs["PPCARE"]
    case = identity_index.first_with_latin_name(
        Case.objects.filter(owner_organization=owner), "Samnang", "Mao"
    )
    if case is None or case.follow_ups.exists():
        return
    step = (
        case.repatriation_plan.steps.filter(
            kind=StepKind.HANDED_OVER, status=StepStatus.DONE
        ).first()
        if hasattr(case, "repatriation_plan")
        else None
    )
    returned_on = timezone.localdate(step.done_at) if step and step.done_at else today
    follow_ups_schedule(case=case, returned_on=returned_on, organization=owner)
    ServiceRecord.objects.create(
        case=case,
        type=ServiceType.JOB_TRAINING,
        provider=owner,
        status=ServiceStatus.ONGOING,
        started_on=returned_on,
        created_by=users.get("caseworker"),
    )
