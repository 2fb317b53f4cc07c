"""Emails and PDFs are written in the reader's stored language, not in the language of the
person or worker who caused them."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from cases.vocab import CaseStatus, ConsentPurpose
from exports import pdf
from exports.models import Export, ExportPurpose
from exports.services import export_render
from notifications.models import Notification
from notifications.services import notification_email_send
from partners.models import OrganizationKind
from partners.roles import Role
from referrals import services as referrals
from referrals.models import ReferralService
from tests.exports.conftest import pdftotext
from tests.factories import OrganizationFactory, UserFactory, make_case
from tests.referrals.conftest import give_consent

pytestmark = pytest.mark.django_db


def _in(lang: str, text) -> str:
    """``text`` (a msgid or a lazy label) in ``lang``."""
    with translation.override(lang):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_email_to_a_khmer_reader_is_in_khmer(mailoutbox, org, caseworker, case_in):
    embassy = OrganizationFactory(
        name="Royal Embassy of Cambodia, Kuala Lumpur", code="khembkl",
        kind=OrganizationKind.EMBASSY, country="MY",
    )  # fmt: skip
    liaison = UserFactory(
        username="liaison", organization=embassy, role=Role.LIAISON, preferred_language="km"
    )
    give_consent(case_in, ConsentPurpose.SHARE_WITH_PARTNERS, ConsentPurpose.EMBASSY_CONTACT)
    with translation.override("en"):  # the sender works in English
        referrals.referral_create(
            by=caseworker, case=case_in, to_organization=embassy,
            service=ReferralService.REPATRIATION, urgency="urgent", message="",
        )  # fmt: skip
    row = Notification.objects.get(recipient=liaison)
    with translation.override("en"):  # and so may the worker that sends the email
        assert notification_email_send(notification_id=row.pk)
    email = mailoutbox[0]
    assert email.to == [liaison.email]
    service_km = _in("km", ReferralService.REPATRIATION.label)
    assert service_km != "Repatriation" and service_km in email.body
    assert service_km in email.subject and case_in.reference in email.subject
    safety = "For the safety of the people we serve, no personal details are sent by email."
    assert safety not in email.body
    assert "Repatriation" not in email.body and "Open Homeward" not in email.body
    assert any("\u1780" <= ch <= "\u17ff" for ch in email.body)  # Khmer script


def test_pdf_labels_and_values_are_in_the_exporters_thai(tmp_path, settings, org):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    coordinator = UserFactory(
        username="coord-th", organization=org, role=Role.COORDINATOR, preferred_language="th"
    )
    case = make_case(org, by=coordinator, country_of_exploitation="TH")
    export = Export.objects.create(
        requested_by=coordinator, organization=org, case=case,
        purpose=ExportPurpose.COURT, queued_at=timezone.now(),
    )  # fmt: skip
    with translation.override("en"):  # as in a worker that runs in the site language
        rendered = export_render(export)
    path = tmp_path / "summary.pdf"
    path.write_bytes(rendered.data)
    text = pdf.normalise(pdftotext(path))
    label = _in("th", "Trafficking status")
    status = _in("th", CaseStatus(case.status).label)
    assert label != "Trafficking status" and pdf.normalise(label) in text
    assert status != _in("en", CaseStatus(case.status).label) and pdf.normalise(status) in text
    assert "Traffickingstatus" not in text
    assert pdf.normalise("ไทย") in text and "Thailand" not in text  # the country, in Thai
