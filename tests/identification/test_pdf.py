"""The identification section of the PDF summary: identity-level parts only for an exporter
who may see the identity, never when anonymised."""

import pytest
from django.utils import timezone

from cases import access
from exports import pdf
from exports.models import ExportPurpose
from identification import gazetteer, services
from identification.pdf import identification_section
from partners.roles import Role
from tests.exports.conftest import pdf_text
from tests.exports.test_pdf import _render
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "Skipper held the seafarer books"
VESSEL = "Sor Somchai Seven"


@pytest.fixture
def interviewed(fisherman_case, caseworker, coordinator):
    interview = services.interview_save(
        case=fisherman_case,
        by=caseworker,
        fields={"held_on": timezone.localdate(), "consented_to_interview": True},
        answers={"ilo": {"retention_of_documents": ("yes", EVIDENCE)}},
        complete=True,
    )
    services.event_save(
        case=fisherman_case,
        by=caseworker,
        fields={
            "stage": "exploitation",
            "place": gazetteer.resolve("Kantang"),
            "workplace": VESSEL,
        },
    )
    services.identification_decide(
        interview=interview, status="actual", reason="Documents retained", by=coordinator
    )
    return fisherman_case


def test_owner_prints_the_section_with_identity_level_parts(interviewed, coordinator):
    text = pdf.normalise(pdf_text(_render(interviewed, coordinator).data))
    for value in (
        "Identification",
        "Forced-labour indicators: 1 of 11",
        "Kantang",
        EVIDENCE,
        VESSEL,
        "Documents retained",
    ):
        assert pdf.normalise(value) in text, value


def test_anonymised_summary_prints_no_identity_level_part(interviewed, coordinator):
    text = pdf.normalise(
        pdf_text(_render(interviewed, coordinator, ExportPurpose.DONOR_REPORT).data)
    )
    assert pdf.normalise("Forced-labour indicators: 1 of 11") in text
    assert pdf.normalise("Kantang") in text  # the gazetteer place is statistics-level
    for value in (EVIDENCE, VESSEL, "Documents retained"):
        assert pdf.normalise(value) not in text, value


def test_exporter_without_view_identity_gets_no_identity_level_part(interviewed):
    partner = OrganizationFactory(name="Partner", code="ptnr", country="TH")
    access.grant(interviewed, partner, [access.VIEW, access.EXPORT])
    exporter = UserFactory(username="p-co", organization=partner, role=Role.COORDINATOR)
    ctx = identification_section(interviewed, exporter, anonymised=False)
    assert ctx is not None and not ctx["identity"]
    assert ctx["interviews"][0]["evidence"] == [] and ctx["events"][0]["workplace"] == ""
    assert ctx["decisions"][0]["reason"] == ""
    text = pdf.normalise(pdf_text(_render(interviewed, exporter).data))
    assert pdf.normalise("Kantang") in text
    for value in (EVIDENCE, VESSEL, "Documents retained"):
        assert pdf.normalise(value) not in text, value


def test_no_section_without_identification(fisherman_case, coordinator):
    assert identification_section(fisherman_case, coordinator, anonymised=False) is None
