"""Every uploaded file passes here, from the page and from the API alike.

- the type is read from the bytes (magic numbers), never from the name or the browser's
  word: PDF, JPEG, PNG, WebP; HEIC only if this Pillow can open it (without a HEIF plugin it
  cannot, and the message says how to send a JPEG instead);
- zero bytes and more than ``ATTACHMENT_MAX_BYTES`` are refused, and more than
  ``ATTACHMENT_MAX_FILES`` files at once;
- images are decoded and written anew by Pillow, turned upright by their EXIF orientation
  first: EXIF (GPS, camera, time) and every other metadata block are dropped; images of
  more than ``ATTACHMENT_MAX_PIXELS`` pixels (decompression bombs) and truncated images are
  refused;
- a PDF must start with its header and end with its end-of-file marker (a cut upload does
  not);
- the name the file had is kept as display text only: its last path part, control
  characters removed, at most ``FILENAME_LENGTH`` characters. It never becomes a path.

Each refusal is a ``ValidationError`` with a message for the person and a code.
"""

from __future__ import annotations

import hashlib
import io
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .models import FILENAME_LENGTH, ContentType

HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
PDF_TAIL = 2048


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    display_name: str
    sha256: str
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(head: bytes) -> str | None:
    """The type the bytes say they are: a ContentType value, "image/heic", or None."""
    if head.startswith(b"%PDF-"):
        return ContentType.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return ContentType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ContentType.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ContentType.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    return None


def display_name(name: Any) -> str:
    """The uploaded name as harmless text: no folders, no control characters, short."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    text = text.lstrip(".").strip()
    return text[:FILENAME_LENGTH]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def limit_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


_FORMATS: dict[str, str] = {
    ContentType.JPEG: "JPEG",
    ContentType.PNG: "PNG",
    ContentType.WEBP: "WEBP",
}


# WeasyPrint sets Pillow's global ImageFile.LOAD_TRUNCATED_IMAGES = True when it is imported
# (exports), which would make a cut upload decode silently with grey rows. Decoding an upload
# turns it off for that moment, under a lock (a threaded server decodes one at a time).
_DECODE_LOCK = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    with _DECODE_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _reencode(data: bytes, content_type: str) -> tuple[bytes, int, int]:
    with _strict_decoding():
        return _reencode_strict(data, content_type)


def _reencode_strict(data: bytes, content_type: str) -> tuple[bytes, int, int]:
    """Decode and write the image anew, upright and without metadata."""
    max_pixels = int(settings.ATTACHMENT_MAX_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.format != _FORMATS.get(content_type, "HEIF"):
                    raise _refuse(_("The file is not the image it claims to be."), "mismatch")
                width, height = im.size
                if width * height > max_pixels:
                    raise _refuse(
                        _("The image is too large (%(pixels)s million pixels; at most %(max)s).")
                        % {
                            "pixels": f"{width * height / 1e6:.0f}",
                            "max": f"{max_pixels / 1e6:.0f}",
                        },
                        "bomb",
                    )
                im.load()
                upright = ImageOps.exif_transpose(im)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The image is too large to open safely (a decompression bomb?)."), "bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(
            _("The image is damaged or incomplete (the upload may have been cut): send it again."),
            "truncated",
        ) from None
    fmt = _FORMATS.get(content_type, "JPEG")
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    elif fmt == "WEBP" and upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    elif fmt == "PNG" and upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
        upright = upright.convert("RGBA")
    upright.info = {}  # nothing of the original's metadata is written back
    out = io.BytesIO()
    options: dict[str, Any] = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {}}[fmt]
    upright.save(out, format=fmt, **options)
    return out.getvalue(), upright.width, upright.height


def validate_bytes(data: bytes, name: Any = "") -> CleanFile:
    """One file's bytes and name → the file to store, or ValidationError."""
    limit = limit_bytes()
    if not data:
        raise _refuse(_("The file is empty (0 bytes)."), "empty")
    if len(data) > limit:
        raise _refuse(
            _("The file is too large: at most %(max)s MB.") % {"max": _megabytes(limit)},
            "too_large",
        )
    kind = sniff(data[:32])
    if kind is None:
        raise _refuse(
            _("This type of file is not accepted: send a PDF, JPEG, PNG or WebP."), "type"
        )
    if kind == "image/heic":
        raise _refuse(
            _(
                "HEIC photos cannot be read here. Send the photo as JPEG (on an iPhone: "
                "Settings, Camera, Formats, Most Compatible)."
            ),
            "heic",
        )
    width = height = None
    if kind == ContentType.PDF:
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise _refuse(
                _("The PDF is incomplete (the upload may have been cut): send it again."),
                "truncated",
            )
        clean = data
    else:
        clean, width, height = _reencode(data, kind)
        if len(clean) > limit:
            raise _refuse(
                _("The file is too large: at most %(max)s MB.") % {"max": _megabytes(limit)},
                "too_large",
            )
    return CleanFile(
        data=clean,
        content_type=kind,
        display_name=display_name(name),
        sha256=hashlib.sha256(clean).hexdigest(),
        width=width,
        height=height,
    )


def validate_upload(upload: Any) -> CleanFile:
    """An UploadedFile (page or API) → CleanFile. The size is checked before reading."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit_bytes():
        raise _refuse(
            _("The file is too large: at most %(max)s MB.") % {"max": _megabytes(limit_bytes())},
            "too_large",
        )
    upload.seek(0)
    data = upload.read(limit_bytes() + 1)
    return validate_bytes(data, getattr(upload, "name", ""))


def no_file() -> ValidationError:
    # Also what a cut upload looks like: the parser drops a file whose end never came.
    return _refuse(
        _("No file arrived. Choose a file, or send it again if the upload was interrupted."),
        "required",
    )


def validate_uploads(uploads: list[Any]) -> list[CleanFile]:
    """Every file of one upload, all or none: the messages of all refused files at once,
    each naming its file."""
    limit = int(settings.ATTACHMENT_MAX_FILES)
    if not uploads:
        raise no_file()
    if len(uploads) > limit:
        raise _refuse(
            _("At most %(max)s files at once.") % {"max": limit},
            "too_many",
        )
    clean: list[CleanFile] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            clean.append(validate_upload(upload))
        except ValidationError as exc:
            if len(uploads) == 1:
                raise
            label = display_name(getattr(upload, "name", "")) or _("(no name)")
            errors.extend(
                ValidationError(f"{label}: {message}", code=exc.code) for message in exc.messages
            )
    if errors:
        raise ValidationError(errors)
    return clean
