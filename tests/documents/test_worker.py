"""Thumbnails made by a real Celery worker process (tests/celery_worker.py), encrypted."""

import io

import pytest
from PIL import Image

from documents import services, storage
from documents.models import AttachmentKind
from documents.tasks import make_thumbnail
from documents.validation import validate_bytes
from tests.celery_worker import wait_for, worker_process

from . import images

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_makes_an_encrypted_thumbnail(
    transactional_db, tmp_path, attachment_root, case, caseworker
):
    # The worker stores where this test reads (the same folder, through its environment).
    with worker_process(tmp_path, extra_env={"ATTACHMENTS_ROOT": str(attachment_root)}) as worker:
        clean = validate_bytes(images.jpeg(size=(1200, 900)), "photo.jpg")
        (attachment,) = services.attachment_upload(
            case=case, by=caseworker, files=[clean], kind=AttachmentKind.PERSON_PHOTO
        )  # committed (transactional test): the task is published on commit

        def made():
            attachment.refresh_from_db()
            return attachment.thumbnail_name

        wait_for(made, timeout=60)
        assert "succeeded" in worker.log(), worker.log()
        raw = storage.read_raw(attachment.thumbnail_name)
        assert raw.startswith(b"HWF1")  # encrypted like the file
        with Image.open(io.BytesIO(storage.read(attachment.thumbnail_name))) as im:
            assert max(im.size) == services.THUMBNAIL_PX and im.format == "JPEG"

        # Delivered again: the worker leaves the thumbnail as it is.
        before = attachment.thumbnail_name
        make_thumbnail.delay(attachment.pk)
        wait_for(lambda: worker.log().count("succeeded") >= 2, timeout=30)
        attachment.refresh_from_db()
        assert attachment.thumbnail_name == before
