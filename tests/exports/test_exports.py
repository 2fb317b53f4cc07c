"""Requesting, generating, downloading and expiring exports (tasks run in-process here)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import TimelineEntry
from exports import sections, services
from exports.models import Export, ExportPurpose, ExportStatus
from notifications.models import Notification
from partners.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _request(client, case, purpose="court", other=""):
    return client.post(
        reverse("exports:request", args=[case.pk]),
        {"purpose": purpose, "purpose_other": other},
    )


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def coord_client(client, coordinator):
    return _login(client, coordinator)


def test_request_generate_download(
    coord_client, case, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(coord_client, case)
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[export.pk])
    assert export.status == ExportStatus.READY
    assert export.pages >= 1 and export.size > 1000 and export.attempts == 1
    assert export.expires_at - export.finished_at == timedelta(days=settings.EXPORT_EXPIRY_DAYS)
    # Stored privately, outside static and media.
    path = export.absolute_path
    assert path.is_file() and path.is_relative_to(Path(settings.PRIVATE_FILES_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not Path(export.file_path).is_absolute()

    page = coord_client.get(reverse("exports:detail", args=[export.pk]))
    assert b"Download PDF" in page.content
    response = coord_client.get(reverse("exports:download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    # Notified in-app, without identity.
    note = Notification.objects.get(recipient=coordinator, kind="export_ready")
    assert case.reference in note.message and "Sokha" not in note.message
    assert not note.email_wanted
    # Audit and timeline for the request and the download.
    actions = list(
        AccessEvent.objects.filter(target_id=str(case.pk), actor=coordinator)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert AuditAction.EXPORT_REQUESTED in actions and AuditAction.EXPORT_DOWNLOADED in actions
    kinds = set(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert {"export_requested", "export_downloaded"} <= kinds


def test_status_fragment_polls_only_while_pending(coord_client, case, coordinator):
    export = services.export_request(user=coordinator, case_id=case.pk, purpose="embassy")
    # on_commit never ran (test transaction): still pending.
    url = reverse("exports:status", args=[export.pk])
    body = coord_client.get(url).content.decode()
    assert 'hx-trigger="every' in body and "Being prepared" in body
    services.export_generate(export_id=export.pk)
    body = coord_client.get(url).content.decode()
    assert "hx-trigger" not in body and "Download PDF" in body


def test_other_purpose_needs_text(coord_client, case):
    response = _request(coord_client, case, purpose="other")
    assert response.status_code == 400
    assert "Say what the summary is for." in response.content.decode()
    assert not Export.objects.exists()


def test_caseworker_cannot_export(client, case, owner):
    caseworker = UserFactory(username="cw", organization=owner, role=Role.CASEWORKER)
    _login(client, caseworker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Export case summary" not in page
    assert _request(client, case).status_code == 403
    assert not Export.objects.exists()


def test_case_page_shows_panel_to_coordinator(coord_client, case):
    page = coord_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Export case summary" in page


def test_foreign_case_is_404(client, case, partner_coordinator):
    _login(client, partner_coordinator)  # partner without any grant
    assert _request(client, case).status_code == 404


def test_export_visible_only_to_its_requester(client, case, coordinator, owner):
    export = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    services.export_generate(export_id=export.pk)
    colleague = UserFactory(username="coord2", organization=owner, role=Role.COORDINATOR)
    _login(client, colleague)
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 404
    assert client.post(reverse("exports:retry", args=[export.pk])).status_code == 404


@pytest.mark.parametrize("how", ["grant_revoked", "role_changed"])
def test_permission_rechecked_on_download(client, partner_case, partner, partner_coordinator, how):
    export = services.export_request(
        user=partner_coordinator, case_id=partner_case.pk, purpose="court"
    )
    services.export_generate(export_id=export.pk)
    _login(client, partner_coordinator)
    url = reverse("exports:download", args=[export.pk])
    assert client.get(url).status_code == 200
    if how == "grant_revoked":
        access.revoke(partner_case, partner, [access.EXPORT])
    else:
        partner_coordinator.role = Role.CASEWORKER
        partner_coordinator.save()
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 404
    downloads = AccessEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOADED)
    assert downloads.count() == 1  # the refused attempt logged no download


def test_lost_access_before_render_fails(partner_case, partner, partner_coordinator):
    export = services.export_request(
        user=partner_coordinator, case_id=partner_case.pk, purpose="court"
    )
    access.revoke(partner_case, partner, [access.EXPORT])
    assert services.export_generate(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error_message == "You may no longer export this case."
    assert not export.file_path


def test_requeued_task_for_ready_export_does_nothing(case, coordinator):
    export = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    assert services.export_generate(export_id=export.pk) is True
    export.refresh_from_db()
    before = (export.file_path, export.finished_at, export.attempts)
    files = set(os.listdir(Path(settings.PRIVATE_FILES_ROOT) / "exports"))
    assert services.export_generate(export_id=export.pk) is False
    export.refresh_from_db()
    assert (export.file_path, export.finished_at, export.attempts) == before
    assert set(os.listdir(Path(settings.PRIVATE_FILES_ROOT) / "exports")) == files
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_render_failure_then_retry(client, case, coordinator, django_capture_on_commit_callbacks):
    # A section whose template is missing: a genuine render error inside the task.
    sections.register("broken", "exports/no-such-template.html", lambda *a: {}, order=1)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            export = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
        export.refresh_from_db()
        assert export.status == ExportStatus.FAILED
        assert "TemplateDoesNotExist" in export.error_message
        _login(client, coordinator)
        body = client.get(reverse("exports:detail", args=[export.pk])).content.decode()
        assert "Retry" in body and "TemplateDoesNotExist" in body
    finally:
        sections.unregister("broken")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:retry", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.error_message == ""
    assert export.attempts == 2


def test_attempts_are_bounded(case, coordinator):
    export = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    Export.objects.filter(pk=export.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.export_generate(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "several attempts" in export.error_message


def test_stuck_pending_exports_fail(case, coordinator):
    fresh = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    stuck = services.export_request(user=coordinator, case_id=case.pk, purpose="embassy")
    Export.objects.filter(pk=stuck.pk).update(
        queued_at=timezone.now() - services.STUCK_AFTER - timedelta(seconds=1)
    )
    assert services.exports_fail_stuck() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED and "not generated in time" in stuck.error_message
    assert fresh.status == ExportStatus.PENDING


def test_expiry_deletes_files(client, case, coordinator):
    old = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    new = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    for e in (old, new):
        services.export_generate(export_id=e.pk)
    old.refresh_from_db()
    Export.objects.filter(pk=new.pk).update(expires_at=old.expires_at + timedelta(days=1))
    new.refresh_from_db()
    old_path = old.absolute_path
    assert old_path.is_file()
    assert services.exports_expire(now=old.expires_at - timedelta(seconds=1)) == 0
    assert services.exports_expire(now=old.expires_at + timedelta(seconds=1)) == 1
    old.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file_path
    assert not old_path.exists()
    new.refresh_from_db()
    assert new.status == ExportStatus.READY and new.absolute_path.is_file()
    _login(client, coordinator)
    assert client.get(reverse("exports:download", args=[old.pk])).status_code == 404
    assert "Expired" in client.get(reverse("exports:detail", args=[old.pk])).content.decode()


def test_expiry_days_setting(case, coordinator, settings):
    settings.EXPORT_EXPIRY_DAYS = 2
    export = services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    services.export_generate(export_id=export.pk)
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == timedelta(days=2)


def test_timeline_never_holds_the_free_text(case, coordinator):
    services.export_request(
        user=coordinator, case_id=case.pk, purpose=ExportPurpose.OTHER, purpose_other="for Sokha"
    )
    entry = TimelineEntry.objects.get(case=case, kind="export_requested")
    assert entry.data == {"purpose": "other"}  # the code, never the free text


def test_panel_list_query_count_is_flat(
    coord_client, case, coordinator, django_assert_max_num_queries
):
    url = reverse("cases:detail", args=[case.pk])
    services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    coord_client.get(url)
    with django_assert_max_num_queries(30) as one:
        coord_client.get(url)
    for _ in range(4):
        services.export_request(user=coordinator, case_id=case.pk, purpose="court")
    with django_assert_max_num_queries(len(one.captured_queries)):
        coord_client.get(url)
