"""The case page's panel, the upload page, download and preview, replace and delete."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from documents import services
from documents.models import Attachment, AttachmentKind
from documents.validation import validate_bytes
from tests.factories import PASSWORD

from . import images
from .conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(case, caseworker):
    clean = validate_bytes(images.jpeg(), "passport-sokha.jpg")
    return services.attachment_upload(
        case=case,
        by=caseworker,
        files=[clean],
        kind=AttachmentKind.PASSPORT_OR_ID,
        description="Photo page",
    )[0]


@pytest.fixture
def contract(case, caseworker):
    clean = validate_bytes(images.png(), "contract.png")
    return services.attachment_upload(
        case=case,
        by=caseworker,
        files=[clean],
        kind=AttachmentKind.EVIDENCE,
        description="Contract naming Sokha",
    )[0]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _post(client, case, files, **fields):
    data = {
        "kind": fields.pop("kind", "passport_or_id"),
        "description": fields.pop("description", ""),
        "document_date": fields.pop("document_date", ""),
        "submission_token": fields.pop("token", "a" * 32),
        "files": files,
        **fields,
    }
    return client.post(reverse("documents:upload", args=[case.pk]), data)


def test_upload_from_the_case_page(client, case, caseworker, attachment_root):
    _login(client, caseworker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    assert "js/attachments." in page and "<progress" in page  # (hashed once collected)
    files = [
        SimpleUploadedFile("a.jpg", images.jpeg(gps=True), "image/jpeg"),
        SimpleUploadedFile("b.pdf", images.pdf(), "application/pdf"),
    ]
    response = _post(client, case, files, document_date="2025-10-01", description="Scan")
    assert response.status_code == 302 and response["Location"].endswith("#attachments-h")
    assert Attachment.objects.filter(case=case).count() == 2
    assert len(stored_files(attachment_root)) >= 2  # (and the thumbnail of the image)
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.count("Download Passport or identity card") == 2
    assert "Scan" in page


def test_the_same_form_sent_twice_stores_once(client, case, caseworker):
    _login(client, caseworker)
    for _ in range(2):
        files = [SimpleUploadedFile("a.jpg", images.jpeg(), "image/jpeg")]
        response = _post(client, case, files, token="b" * 32)
        assert response.status_code == 302
    assert Attachment.objects.filter(case=case).count() == 1


BAD = [
    ("exe", b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg", "This type of file is not accepted"),
    ("empty", b"", "empty.pdf", "The file is empty"),
    ("truncated", images.truncated_jpeg(), "cut.jpg", "damaged or incomplete"),
    ("bomb", images.bomb(), "bomb.png", "too large"),
]


@pytest.mark.parametrize(("label", "data", "name", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_message_next_to_the_field_and_stores_nothing(
    client, case, caseworker, attachment_root, label, data, name, message
):
    _login(client, caseworker)
    response = _post(client, case, [SimpleUploadedFile(name, data)])
    assert response.status_code == 422
    body = response.content.decode()
    error = re.search(r'<ul class="field-error" id="files-error">(.*?)</ul>', body, re.S)
    assert error and message in error.group(1)
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_over_the_limit_is_refused(client, case, caseworker, attachment_root, settings):
    settings.ATTACHMENT_MAX_BYTES = 2000
    _login(client, caseworker)
    response = _post(client, case, [SimpleUploadedFile("a.jpg", images.jpeg(size=(500, 500)))])
    assert response.status_code == 422 and "too large" in response.content.decode()
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_a_path_traversal_name_is_display_text(client, case, caseworker, attachment_root):
    _login(client, caseworker)
    response = _post(client, case, [SimpleUploadedFile("../../../etc/cron.d/x.jpg", images.jpeg())])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "x.jpg"
    assert all(p.is_relative_to(attachment_root) for p in stored_files(attachment_root))
    assert "cron" not in attachment.storage_name


def test_an_interrupted_upload_stores_nothing(client, case, caseworker, attachment_root):
    """The phone lost its signal: the body ends in the middle of the file, without the
    closing boundary."""
    _login(client, caseworker)
    whole = encode_multipart(
        BOUNDARY,
        {
            "kind": "passport_or_id",
            "submission_token": "c" * 32,
            "files": SimpleUploadedFile("a.jpg", images.jpeg(size=(300, 300)), "image/jpeg"),
        },
    )
    cut = whole[: len(whole) - 400]
    response = client.generic(
        "POST", reverse("documents:upload", args=[case.pk]), cut, content_type=MULTIPART_CONTENT
    )
    assert response.status_code == 422
    assert "send it again if the upload was interrupted" in response.content.decode()
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_upload_to_a_case_of_another_organisation_is_404(
    client, case, other_caseworker, attachment_root
):
    _login(client, other_caseworker)
    response = _post(client, case, [SimpleUploadedFile("a.jpg", images.jpeg())])
    assert response.status_code == 404
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_download_headers_and_audit(client, passport, caseworker):
    _login(client, caseworker)
    response = client.get(reverse("documents:download", args=[passport.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "passport-sokha" not in response["Content-Disposition"]  # our name, not theirs
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
    assert AccessEvent.objects.filter(action=AuditAction.ATTACHMENT_DOWNLOADED).count() == 1


def test_preview_is_sandboxed(client, passport, caseworker):
    _login(client, caseworker)
    response = client.get(reverse("documents:preview", args=[passport.pk]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox") and "default-src 'none'" in csp
    assert response["Content-Disposition"] == "inline"
    assert AccessEvent.objects.filter(action=AuditAction.ATTACHMENT_VIEWED).count() == 1


def test_another_organisation_gets_404_everywhere(client, passport, contract, other_caseworker):
    _login(client, other_caseworker)
    for a in (passport, contract):
        for name in ("download", "preview", "thumbnail", "replace", "delete"):
            assert client.get(reverse(f"documents:{name}", args=[a.pk])).status_code == 404
        assert client.post(reverse("documents:delete", args=[a.pk])).status_code == 404
    assert Attachment.objects.filter(deleted_at__isnull=True).count() == 2


def test_without_view_identity_identity_kinds_are_absent_and_404(
    client, case, passport, contract, partner_caseworker
):
    _login(client, partner_caseworker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Passport or identity card" not in page
    assert reverse("documents:download", args=[passport.pk]) not in page
    assert reverse("documents:download", args=[contract.pk]) in page
    assert "Contract naming Sokha" not in page  # the description may name the person
    assert client.get(reverse("documents:download", args=[passport.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[contract.pk])).status_code == 200
    # May see, may not change: 403; and no upload form.
    assert client.get(reverse("documents:delete", args=[contract.pk])).status_code == 403
    assert client.get(reverse("documents:upload", args=[case.pk])).status_code == 403


def test_delete_keeps_the_record_and_removes_the_bytes(
    client, passport, caseworker, attachment_root, django_capture_on_commit_callbacks
):
    _login(client, caseworker)
    assert client.get(reverse("documents:delete", args=[passport.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:delete", args=[passport.pk]))
    assert response.status_code == 302
    passport.refresh_from_db()
    assert passport.deleted_at is not None
    assert stored_files(attachment_root) == []
    assert client.get(reverse("documents:download", args=[passport.pk])).status_code == 404
    assert passport.history.filter(deleted_at__isnull=False).exists()
    assert AccessEvent.objects.filter(action=AuditAction.ATTACHMENT_DELETED).exists()


def test_replace_with_a_bad_file_changes_nothing(client, passport, caseworker):
    _login(client, caseworker)
    before = passport.storage_name
    response = client.post(
        reverse("documents:replace", args=[passport.pk]),
        {"file": SimpleUploadedFile("x.jpg", b"MZ" + b"\x00" * 64)},
    )
    assert response.status_code == 422 and "not accepted" in response.content.decode()
    passport.refresh_from_db()
    assert passport.storage_name == before


def test_the_panel_query_count_does_not_grow_with_attachments(
    client, case, caseworker, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            clean = validate_bytes(images.png(), f"{i}.png")
            services.attachment_upload(
                case=case, by=caseworker, files=[clean], kind=AttachmentKind.EVIDENCE
            )

    client.force_login(caseworker)
    add(1)
    client.get(case.get_absolute_url())
    with django_assert_max_num_queries(60) as one:
        client.get(case.get_absolute_url())
    add(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(case.get_absolute_url())
    assert page.content.decode().count("Download Evidence") == 10
