"""Exports with a real Celery worker process: request → ready → download."""

import pytest
from django.urls import reverse

from exports.models import Export, ExportStatus
from exports.tasks import generate_export
from tests.celery_worker import wait_for
from tests.factories import PASSWORD

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_request_ready_download_with_real_worker(celery_worker, client, case, coordinator):
    assert client.login(username=coordinator.username, password=PASSWORD)
    response = client.post(
        reverse("exports:request", args=[case.pk]), {"purpose": "partner_coordination"}
    )
    assert response.status_code == 302
    export = Export.objects.get()
    status_url = reverse("exports:status", args=[export.pk])

    def finished():
        export.refresh_from_db()
        return export.status != ExportStatus.PENDING

    wait_for(finished, timeout=60)
    assert export.status == ExportStatus.READY, (export.error_message, celery_worker.log())
    assert "Download PDF" in client.get(status_url).content.decode()
    body = b"".join(client.get(reverse("exports:download", args=[export.pk])).streaming_content)
    assert body.startswith(b"%PDF") and len(body) == export.size

    # The same task delivered again (a re-queue, a duplicate): the worker leaves it alone.
    before = (export.file_path, export.finished_at, export.attempts)
    generate_export.delay(export.pk)
    wait_for(lambda: celery_worker.log().count("succeeded") >= 2, timeout=30)
    export.refresh_from_db()
    assert (export.file_path, export.finished_at, export.attempts) == before
    assert "False" in celery_worker.log().split("succeeded")[-1].splitlines()[0]
    export.absolute_path.unlink()  # the worker wrote it under the shared test root
