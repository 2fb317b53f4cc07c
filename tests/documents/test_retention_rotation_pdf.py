"""Retention deletes the files; key rotation re-encrypts them; the PDF summary lists them."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from cases import retention
from documents import crypto, services, storage
from documents.models import Attachment, AttachmentKind
from documents.validation import validate_bytes
from exports import pdf
from partners.roles import Role
from tests.factories import UserFactory

from . import images
from .conftest import stored_files

pytestmark = pytest.mark.django_db

OLD = "f0:dGVzdC1vbmx5LWZpbGUta2V5LTAwMDAwMDAwMDAwMDA="
NEW_AND_OLD = "f1:dGVzdC1vbmx5LWZpbGUta2V5LTAwMDAwMDAwMDAwMDE=," + OLD


def _upload(case, by, kind=AttachmentKind.PASSPORT_OR_ID, data=None, description="Passport"):
    clean = validate_bytes(data or images.jpeg(), "a.jpg")
    return services.attachment_upload(
        case=case, by=by, files=[clean], kind=kind, description=description
    )[0]


def test_anonymising_a_case_deletes_its_files(
    case, caseworker, attachment_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = _upload(case, caseworker)
        _upload(case, caseworker, kind=AttachmentKind.EVIDENCE, data=images.pdf())
    assert len(stored_files(attachment_root)) == 3  # two files and the photo's thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        retention.case_anonymise(case_id=case.pk, why=retention.RETENTION)
    assert stored_files(attachment_root) == []
    a.refresh_from_db()
    assert a.deleted_at is not None and a.storage_name == a.thumbnail_name == ""
    assert a.description == "" and a.original_name == ""
    assert set(a.history.values_list("description", flat=True)) == {""}
    assert Attachment.objects.filter(case=case).count() == 2  # the record stays


def test_rotation_re_encrypts_files_and_thumbnails_under_the_new_key(
    case, caseworker, settings, attachment_root, django_capture_on_commit_callbacks
):
    settings.FILE_KEYS = OLD
    with django_capture_on_commit_callbacks(execute=True):
        a = _upload(case, caseworker)
    a.refresh_from_db()
    plain, thumb = storage.read(a.storage_name), storage.read(a.thumbnail_name)
    old_names = {a.storage_name, a.thumbnail_name}
    assert a.key_id == a.thumbnail_key_id == "f0"

    settings.FILE_KEYS = NEW_AND_OLD
    assert services.attachments_rotate_keys(check=True) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_file_keys")
    a.refresh_from_db()
    assert a.key_id == a.thumbnail_key_id == "f1"
    assert crypto.key_id_of(storage.read_raw(a.storage_name)) == "f1"
    assert storage.read(a.storage_name) == plain and storage.read(a.thumbnail_name) == thumb
    assert not any(storage.exists(n) for n in old_names)  # the old ciphertext is gone
    assert len(stored_files(attachment_root)) == 2
    assert services.attachments_rotate_keys(check=True) == 0
    # rotate_keys (fieldcrypt) runs the same rotation: nothing is left for it.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_keys", "--check", stdout=(out := io.StringIO()))
    assert "attachment files: 0 under old keys" in out.getvalue()
    # The old key can now be dropped: the files still read.
    settings.FILE_KEYS = NEW_AND_OLD.split(",")[0]
    assert storage.read(a.storage_name) == plain


def _summary(case, user, purpose, anonymised=False):
    with translation.override("en"):
        context = pdf.summary_context(
            case=case, exporter=user, anonymised=anonymised, purpose_label="x", purpose=purpose
        )
        return pdf.render_html(context, "en")


def test_the_pdf_lists_attachments_and_prints_the_passport_for_the_embassy(case, caseworker):
    coordinator = UserFactory(
        username="doc-coord", organization=caseworker.organization, role=Role.COORDINATOR
    )
    _upload(case, caseworker, description="Photo page of the passport")
    _upload(case, caseworker, kind=AttachmentKind.EVIDENCE, data=images.png(), description="Pay")
    html = _summary(case, coordinator, "partner_coordination")
    assert "Documents and photos" in html and "Passport or identity card" in html
    assert "Evidence" in html and "data:image/jpeg;base64," not in html
    embassy = _summary(case, coordinator, "embassy")
    assert embassy.count("data:image/jpeg;base64,") == 1
    rendered = pdf.html_to_pdf(embassy)  # the data: image goes through the fetcher
    assert rendered.data.startswith(b"%PDF") and rendered.pages >= 1
    donor = _summary(case, coordinator, "donor_report", anonymised=True)
    assert "Passport or identity card" not in donor and "Photo page" not in donor
    assert "data:image" not in donor


def test_the_pdf_of_a_partner_without_identity_lists_no_identity_kind(
    case, caseworker, partner_caseworker
):
    _upload(case, caseworker)
    _upload(case, caseworker, kind=AttachmentKind.EVIDENCE, data=images.png(), description="Pay")
    html = _summary(case, partner_caseworker, "embassy")
    assert "Passport or identity card" not in html and "Evidence" in html
    assert "data:image" not in html and "Pay" not in html
