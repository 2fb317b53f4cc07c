"""documents.validation: the one check of every uploaded file (page and API)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.validation import display_name, sniff, validate_bytes, validate_uploads

from . import images


def _codes(exc: ValidationError) -> set[str | None]:
    return {e.code for e in exc.error_list}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (images.pdf(), "application/pdf"),
        (images.jpeg(), "image/jpeg"),
        (images.png(), "image/png"),
        (images.webp(), "image/webp"),
    ],
)
def test_the_allowed_types_are_read_from_the_bytes(data, kind):
    assert sniff(data[:32]) == kind
    clean = validate_bytes(data, "whatever.exe")
    assert clean.content_type == kind
    assert clean.size > 0 and len(clean.sha256) == 64


def test_gps_and_exif_do_not_survive_and_the_photo_is_turned_upright():
    original = images.jpeg(size=(60, 20), gps=True, orientation=6)  # 6: rotate 90° to view
    with Image.open(io.BytesIO(original)) as im:
        assert im.getexif().get_ifd(0x8825)  # the test photo does carry GPS
    clean = validate_bytes(original, "IMG_0001.jpg")
    with Image.open(io.BytesIO(clean.data)) as im:
        exif = im.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x8825 not in exif and 0x010F not in exif and 0x0112 not in exif
        assert "exif" not in im.info
        assert im.size == (20, 60)  # upright: the orientation was applied, then dropped
    assert b"TestCam" not in clean.data and b"GPS" not in clean.data
    assert (clean.width, clean.height) == (20, 60)


def test_an_exe_renamed_jpg_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError) as exc:
        validate_bytes(exe, "passport.jpg")
    assert _codes(exc.value) == {"type"}
    assert "PDF, JPEG, PNG or WebP" in exc.value.messages[0]


def test_an_html_file_claiming_to_be_a_png_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_bytes(b"<html><script>alert(1)</script></html>", "photo.png")
    assert _codes(exc.value) == {"type"}


def test_zero_bytes_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_bytes(b"", "empty.pdf")
    assert _codes(exc.value) == {"empty"}


def test_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    big = images.jpeg(size=(400, 400))
    assert len(big) > 1000
    with pytest.raises(ValidationError) as exc:
        validate_bytes(big, "big.jpg")
    assert _codes(exc.value) == {"too_large"}
    upload = SimpleUploadedFile("big.jpg", big, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        validate_uploads([upload])
    assert "at most 0 MB" in exc.value.messages[0] or "MB" in exc.value.messages[0]


def test_a_decompression_bomb_is_refused():
    data = images.bomb()
    assert len(data) < 10 * 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        validate_bytes(data, "bomb.png")
    assert _codes(exc.value) == {"bomb"}
    assert "too large" in exc.value.messages[0]


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_bytes(images.truncated_jpeg(), "cut.jpg")
    assert _codes(exc.value) == {"truncated"}


def test_a_truncated_pdf_is_refused():
    data = images.pdf()
    with pytest.raises(ValidationError) as exc:
        validate_bytes(data[: len(data) - 40], "cut.pdf")
    assert _codes(exc.value) == {"truncated"}


def test_heic_is_refused_with_a_way_out_when_pillow_cannot_read_it():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(ValidationError) as exc:
        validate_bytes(heic, "IMG_0002.HEIC")
    assert _codes(exc.value) == {"heic"}
    assert "JPEG" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/var/lib/x.pdf", "x.pdf"),
        ("a\x00b\nc.jpg", "abc.jpg"),
        ("..", ""),
        ("x" * 300 + ".jpg", "x" * 120),
    ],
)
def test_names_are_display_text_only(name, shown):
    assert display_name(name) == shown


def test_too_many_files_at_once(settings):
    settings.ATTACHMENT_MAX_FILES = 2
    files = [SimpleUploadedFile(f"{i}.png", images.png()) for i in range(3)]
    with pytest.raises(ValidationError) as exc:
        validate_uploads(files)
    assert _codes(exc.value) == {"too_many"}


def test_one_bad_file_refuses_the_upload_and_names_the_file():
    files = [
        SimpleUploadedFile("good.png", images.png()),
        SimpleUploadedFile("bad.jpg", b"MZ" + b"\x00" * 50),
    ]
    with pytest.raises(ValidationError) as exc:
        validate_uploads(files)
    assert exc.value.messages == [
        "bad.jpg: This type of file is not accepted: send a PDF, JPEG, PNG or WebP."
    ]
