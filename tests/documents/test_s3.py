"""The attachment storage on a real S3-compatible server: moto's server mode, an HTTP
server on loopback that speaks the S3 protocol (MinIO's binary is not a registry package).
The app talks to it through django-storages and boto3 exactly as to MinIO or AWS."""

import pytest

pytest.importorskip("moto.server", reason="moto[server] (the dev extra) is not installed")

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from documents import services, storage  # noqa: E402
from documents.models import AttachmentKind  # noqa: E402
from documents.validation import validate_bytes  # noqa: E402

from . import images  # noqa: E402

pytestmark = pytest.mark.django_db

BUCKET = "homeward-test-attachments"


@pytest.fixture
def s3(settings, monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # Credentials as boto3 reads them in production (fake here: moto accepts any).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    from config.settings.base import attachments_storage

    config = attachments_storage(BUCKET, root=None)  # the production setting's shape
    config["OPTIONS"]["endpoint_url"] = endpoint
    config["OPTIONS"]["region_name"] = "us-east-1"
    settings.STORAGES = {**settings.STORAGES, "attachments": config}
    yield client
    server.stop()


def _objects(client) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def test_upload_read_delete_on_s3(s3, case, caseworker, django_capture_on_commit_callbacks):
    clean = validate_bytes(images.jpeg(gps=True), "passport.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        (a,) = services.attachment_upload(
            case=case, by=caseworker, files=[clean], kind=AttachmentKind.PASSPORT_OR_ID
        )
    a.refresh_from_db()
    objects = _objects(s3)
    # The file and its thumbnail, under the storage's prefix, as ciphertext only.
    assert set(objects) == {f"attachments/{a.storage_name}", f"attachments/{a.thumbnail_name}"}
    stored = objects[f"attachments/{a.storage_name}"]
    assert stored.startswith(b"HWF1") and clean.data not in stored
    head = s3.head_object(Bucket=BUCKET, Key=f"attachments/{a.storage_name}")
    assert "passport" not in str(head)
    assert storage.read(a.storage_name) == clean.data
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=a, by=caseworker)
    assert _objects(s3) == {}
