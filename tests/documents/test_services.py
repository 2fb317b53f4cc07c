"""Uploads through the service: encrypted at rest, audited, nothing left behind on failure."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage

from audit.models import AccessEvent, AuditAction
from documents import crypto, services, storage
from documents.models import Attachment, AttachmentKind
from documents.validation import validate_bytes

from . import images
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def _upload(case, by, data=None, kind=AttachmentKind.PASSPORT_OR_ID, name="scan.jpg"):
    clean = validate_bytes(data or images.jpeg(gps=True), name)
    return services.attachment_upload(case=case, by=by, files=[clean], kind=kind)[0]


def test_stored_bytes_differ_from_the_upload_and_decrypt_to_it(case, caseworker, attachment_root):
    attachment = _upload(case, caseworker)
    (path,) = stored_files(attachment_root)
    raw = path.read_bytes()
    plain = storage.read(attachment.storage_name)
    assert raw != plain and raw.startswith(b"HWF1")
    assert plain[:3] == b"\xff\xd8\xff" and plain not in raw
    assert b"TestCam" not in raw
    import hashlib

    assert hashlib.sha256(plain).hexdigest() == attachment.sha256
    assert attachment.key_id == crypto.file_keys().current_kid == crypto.key_id_of(raw)
    # The storage name is random: nothing of the upload's name or the case.
    assert "scan" not in attachment.storage_name and case.reference not in str(path)
    assert attachment.original_name == "scan.jpg" and attachment.person_id == case.person_id


def test_a_wrong_key_fails_closed(case, caseworker, settings):
    attachment = _upload(case, caseworker)
    other = "f1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo3ODkwMTI="
    settings.FILE_KEYS = other
    with pytest.raises(crypto.DecryptionError):
        storage.read(attachment.storage_name)
    settings.FILE_KEYS = ""
    with pytest.raises(crypto.KeyConfigurationError):
        storage.read(attachment.storage_name)


def test_a_file_moved_under_another_name_does_not_decrypt(case, caseworker):
    a = _upload(case, caseworker)
    b = _upload(case, caseworker, data=images.png(), name="b.png")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(storage.read_raw(a.storage_name), name=b.storage_name)


def test_a_changed_byte_does_not_decrypt(case, caseworker, attachment_root):
    a = _upload(case, caseworker)
    (path,) = stored_files(attachment_root)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(crypto.DecryptionError):
        storage.read(a.storage_name)


def test_upload_is_audited_and_in_the_history(case, caseworker):
    a = _upload(case, caseworker)
    event = AccessEvent.objects.get(action=AuditAction.ATTACHMENT_UPLOADED)
    assert event.actor == caseworker and event.target_id == str(case.pk)
    assert event.detail == {"attachment": a.pk, "kind": "passport_or_id"}
    assert a.history.count() == 1 and a.history.first().history_user == caseworker


def test_open_replace_delete_are_audited_and_delete_removes_the_bytes(
    case, caseworker, attachment_root, django_capture_on_commit_callbacks
):
    a = _upload(case, caseworker)
    services.attachment_open(attachment=a, by=caseworker, how=services.DOWNLOAD)
    services.attachment_open(attachment=a, by=caseworker, how=services.VIEW)
    old = a.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        a = services.attachment_replace(
            attachment=a, by=caseworker, file=validate_bytes(images.png(), "better.png")
        )
    assert a.storage_name != old and not storage.exists(old)
    assert storage.read(a.storage_name)[:4] == b"\x89PNG"
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=a, by=caseworker)
    a.refresh_from_db()
    assert a.deleted_at and a.deleted_by == caseworker and a.storage_name == ""
    assert stored_files(attachment_root) == []
    actions = list(
        AccessEvent.objects.filter(target_id=str(case.pk), action__startswith="attachment_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "attachment_uploaded",
        "attachment_downloaded",
        "attachment_viewed",
        "attachment_replaced",
        "attachment_deleted",
    ]
    # The history keeps every version: added, replaced, deleted.
    assert a.history.count() == 3


def test_a_partner_without_view_identity_may_not_upload_an_identity_kind(case, partner_caseworker):
    with pytest.raises(PermissionDenied):
        _upload(case, partner_caseworker, kind=AttachmentKind.EVIDENCE)


class FailingOnSecondSave(FileSystemStorage):
    """A storage that fails on its second write, as a full disk or a lost bucket would."""

    saves = 0

    def _save(self, name, content):
        type(self).saves += 1
        if type(self).saves == 2:
            raise OSError("No space left on device")
        return super()._save(name, content)


def test_a_failure_after_bytes_were_written_leaves_no_row_and_no_bytes(
    case, caseworker, settings, tmp_path
):
    root = tmp_path / "failing"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": f"{__name__}.FailingOnSecondSave",
            "OPTIONS": {"location": str(root)},
        },
    }
    FailingOnSecondSave.saves = 0
    files = [validate_bytes(images.png(), "a.png"), validate_bytes(images.jpeg(), "b.jpg")]
    with pytest.raises(OSError):
        services.attachment_upload(
            case=case, by=caseworker, files=files, kind=AttachmentKind.EVIDENCE
        )
    assert FailingOnSecondSave.saves == 2  # the first file was written, then deleted
    assert Attachment.objects.count() == 0
    assert stored_files(root) == []
    assert not AccessEvent.objects.filter(action=AuditAction.ATTACHMENT_UPLOADED).exists()
