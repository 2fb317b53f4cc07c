import subprocess

import pytest
from pypdf import PdfReader

from cases import access
from partners.roles import Role
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

# One person named in every script of the region: Khmer, Thai, Lao, Burmese, Vietnamese,
# Simplified Chinese — each in its own field so each can be searched in the PDF.
NAMES = {
    "khmer": "សុខា",
    "thai": "สมชาย",
    "lao": "ສົມພອນ",
    "burmese": "အောင်မြင့်",
    "vietnamese": "Nguyễn Văn Thắng",
    "chinese": "王小明",
}


@pytest.fixture
def owner(db):
    return OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")


@pytest.fixture
def coordinator(owner):
    return UserFactory(
        username="coord",
        first_name="Dara",
        last_name="Chan",
        organization=owner,
        role=Role.COORDINATOR,
    )


@pytest.fixture
def case(owner, coordinator):
    person = PersonFactory.build(
        given_name="សុខា",
        family_name="ពៅ",
        given_name_latin="Sokha",
        family_name_latin="Pov",
        phone="+85512999888",
        document_number="N0123456",
    )
    return make_case(owner, by=coordinator, person=person, current_place="Pier 7, Kuantan")


@pytest.fixture
def partner():
    return OrganizationFactory(name="Regional Coordination Office", code="rco", country="TH")


@pytest.fixture
def partner_coordinator(partner):
    return UserFactory(username="rco-coord", organization=partner, role=Role.COORDINATOR)


@pytest.fixture
def partner_case(case, partner):
    """The case shared with a partner that may export it but not see the identity."""
    access.grant(case, partner, [access.VIEW, access.EXPORT])
    return case


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(_io(data)).pages)


def _io(data: bytes):
    import io

    return io.BytesIO(data)


def pdffonts(path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def pdftotext(path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(autouse=True)
def private_root(request, settings, tmp_path):
    """In-process tests keep their PDFs in a temporary folder. A real worker reads the test
    settings' PRIVATE_FILES_ROOT itself, so tests using it keep the default."""
    if "celery_worker" not in request.keywords:
        settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT
