"""The API: the same validation, access and services as the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from documents.models import Attachment

from . import images
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def _upload(client, case, *files, kind="passport_or_id", **extra):
    return client.post(
        reverse("api:case-attachment-list", args=[case.pk]),
        {"kind": kind, "files": list(files), **extra},
        format="multipart",
    )


@pytest.fixture
def api(caseworker):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(caseworker)
    return client


def test_upload_list_download_delete(
    api, case, attachment_root, django_capture_on_commit_callbacks
):
    response = _upload(
        api,
        case,
        SimpleUploadedFile("p1.jpg", images.jpeg(gps=True)),
        SimpleUploadedFile("p2.pdf", images.pdf()),
        description="Passport",
        document_date="2024-05-01",
    )
    assert response.status_code == 201, response.content
    rows = response.json()
    assert [r["content_type"] for r in rows] == ["image/jpeg", "application/pdf"]
    assert rows[0]["description"] == "Passport" and rows[0]["original_name"] == "p1.jpg"
    listed = api.get(reverse("api:case-attachment-list", args=[case.pk])).json()
    assert {r["id"] for r in listed} == {r["id"] for r in rows}
    download = api.get(rows[0]["download_url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download.content[:3] == b"\xff\xd8\xff" and b"TestCam" not in download.content
    assert api.get(reverse("api:attachment-detail", args=[rows[1]["id"]])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.delete(reverse("api:attachment-detail", args=[rows[1]["id"]]))
    assert deleted.status_code == 204
    assert api.get(reverse("api:attachment-detail", args=[rows[1]["id"]])).status_code == 404
    actions = set(AccessEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.ATTACHMENT_UPLOADED,
        AuditAction.ATTACHMENT_DOWNLOADED,
        AuditAction.ATTACHMENT_VIEWED,
        AuditAction.ATTACHMENT_DELETED,
    } <= actions


def test_bad_files_get_the_pages_messages_and_store_nothing(api, case, attachment_root):
    response = _upload(api, case, SimpleUploadedFile("x.jpg", b"MZ" + b"\x00" * 80))
    assert response.status_code == 400
    body = response.json()
    assert "not accepted" in str(body)
    response = _upload(api, case, SimpleUploadedFile("e.pdf", b""))
    assert response.status_code == 400
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_another_organisation_gets_404(case, other_caseworker, attachment_root):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(other_caseworker)
    response = _upload(client, case, SimpleUploadedFile("a.jpg", images.jpeg()))
    assert response.status_code == 404
    assert client.get(reverse("api:case-attachment-list", args=[case.pk])).status_code == 404
    assert Attachment.objects.count() == 0 and stored_files(attachment_root) == []


def test_without_view_identity_identity_kinds_are_absent(api, case, partner_caseworker):
    passport = _upload(api, case, SimpleUploadedFile("a.jpg", images.jpeg())).json()[0]
    evidence = _upload(
        api, case, SimpleUploadedFile("b.png", images.png()), kind="evidence", description="x"
    ).json()[0]
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(partner_caseworker)
    listed = client.get(reverse("api:case-attachment-list", args=[case.pk])).json()
    assert [r["id"] for r in listed] == [evidence["id"]]
    assert "description" not in listed[0] and "original_name" not in listed[0]
    assert client.get(reverse("api:attachment-detail", args=[passport["id"]])).status_code == 404
    assert client.get(reverse("api:attachment-download", args=[passport["id"]])).status_code == 404
    # May see the case, may not upload: 403 before the body is read.
    assert _upload(client, case, SimpleUploadedFile("c.png", images.png())).status_code == 403
