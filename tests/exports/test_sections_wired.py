"""The referrals and repatriation sections of the PDF case summary: printed for those who may
see them, without free text or places when the exporter may not see the identity or the
report is anonymised."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exports import pdf, sections
from exports.models import ExportPurpose
from partners.models import OrganizationKind
from referrals.models import Referral, ReferralStatus
from referrals.pdf import referral_section
from repatriation.models import RepatriationStep, Situation, StepKind, StepStatus
from repatriation.pdf import repatriation_section
from repatriation.services import plan_create
from tests.factories import OrganizationFactory

from .conftest import pdf_text
from .test_pdf import _render

pytestmark = pytest.mark.django_db

MESSAGE = "Meet her at the Kuantan pier gate"
REASON = "Detained at Bukit Jalil depot"
NOTE = "Uncle Vuthy will fetch her"
PLACE = "Penang safe house"
PROVINCE = "Prey Veng"


@pytest.fixture
def shelter(db):
    return OrganizationFactory(
        name="Safe Harbour Shelter", code="shel", country="MY", kind=OrganizationKind.SHELTER
    )


@pytest.fixture
def wired(case, coordinator, shelter):
    """The case referred to a shelter (pending, overdue) and with a plan, one step blocked."""
    Referral.objects.create(
        case=case,
        from_organization=coordinator.organization,
        to_organization=shelter,
        service="shelter",
        urgency="urgent",
        message=MESSAGE,
        status=ReferralStatus.PENDING,
        respond_by=timezone.now() - timedelta(hours=1),
        created_by=coordinator,
    )
    embassy = OrganizationFactory(
        name="Royal Embassy of Cambodia KL", code="khe", country="MY", kind=OrganizationKind.EMBASSY
    )
    lead = OrganizationFactory(name="Migration Office KL", code="iom", country="MY")
    plan = plan_create(
        case=case,
        by=coordinator,
        current_country="MY",
        place=PLACE,
        situation=Situation.DETENTION,
        home_country="KH",
        home_province=PROVINCE,
        embassy=embassy,
        lead_organization=lead,
    )
    RepatriationStep.objects.filter(plan=plan, kind=StepKind.LOCATED_SAFE).update(
        status=StepStatus.DONE, done_at=timezone.now(), note=NOTE
    )
    RepatriationStep.objects.filter(plan=plan, kind=StepKind.INTERVIEW).update(
        status=StepStatus.BLOCKED, reason=REASON
    )
    return case


def test_owner_prints_referrals_and_repatriation_with_free_text(wired, coordinator):
    text = pdf.normalise(pdf_text(_render(wired, coordinator).data))
    for value in (
        "Referrals",
        "Safe Harbour Shelter",
        MESSAGE,
        "overdue",
        "Repatriation",
        "Royal Embassy of Cambodia KL",
        "Migration Office KL",
        "Malaysia",
        "Cambodia",
        "1 of 14 steps done",
        "Interview and victim identification",
        "Blocked",
        REASON,
        NOTE,
        PLACE,
        PROVINCE,
    ):
        assert pdf.normalise(value) in text, value
    # After the case facts, before the consent: referrals, then repatriation.
    assert text.index("Referrals") < text.index("Repatriation") < text.index("Consent")


def test_anonymised_report_prints_the_facts_without_free_text_or_places(wired, coordinator):
    text = pdf.normalise(pdf_text(_render(wired, coordinator, ExportPurpose.DONOR_REPORT).data))
    for value in ("Safe Harbour Shelter", "Royal Embassy of Cambodia KL", "Blocked"):
        assert pdf.normalise(value) in text, value
    for value in (MESSAGE, REASON, NOTE, PLACE, PROVINCE):
        assert pdf.normalise(value) not in text, value


def test_partner_without_identity_sees_no_free_text_nor_others_referrals(
    wired, partner_case, partner_coordinator
):
    # The partner neither sent nor received the referral: not its to print.
    assert referral_section(wired, partner_coordinator, anonymised=False) is None
    ctx = repatriation_section(wired, partner_coordinator, anonymised=False)
    assert ctx is not None and not ctx["identity"]
    assert ctx["place"] == "" and ctx["home_province"] == ""
    assert all(s["note"] == "" and s["reason"] == "" for s in ctx["steps"])
    text = pdf.normalise(pdf_text(_render(partner_case, partner_coordinator).data))
    assert pdf.normalise("Royal Embassy of Cambodia KL") in text
    for value in (MESSAGE, "Safe Harbour Shelter", REASON, NOTE, PLACE):
        assert pdf.normalise(value) not in text, value


def test_receiving_organisation_sees_the_referral_it_received(wired, shelter, coordinator):
    from cases import access
    from partners.roles import Role
    from tests.factories import UserFactory

    worker = UserFactory(username="shel-coord", organization=shelter, role=Role.COORDINATOR)
    # Before accepting, the shelter cannot see the case: no section at all.
    assert referral_section(wired, worker, anonymised=False) is None
    access.grant(wired, shelter, [access.VIEW])
    ctx = referral_section(wired, worker, anonymised=False)
    assert ctx is not None and [r["to_org"] for r in ctx["rows"]] == ["Safe Harbour Shelter"]
    assert ctx["rows"][0]["message"] == ""  # no identity permission: no free text


def test_cases_without_referrals_or_plan_have_no_such_section(case, coordinator):
    names = [s.name for s in sections.sections_for(case, coordinator, False)]
    assert "referrals" not in names and "repatriation" not in names


def test_sections_are_registered():
    names = [s.name for s in sorted(sections._SECTIONS.values(), key=lambda s: s.order)]
    assert names.index("referrals") < names.index("repatriation")
