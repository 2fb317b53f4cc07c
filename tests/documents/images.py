"""Test files made here with Pillow: photos with GPS, bombs, cut images, PDFs."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(size=(64, 48), color=(200, 30, 30), *, gps: bool = False, orientation: int = 0) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        # GPSInfo IFD: 6°N 101°E (somewhere a victim hides).
        exif[0x8825] = {1: "N", 2: (6.0, 30.0, 0.0), 3: "E", 4: (101.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size=(40, 30), color=(0, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def webp(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, format="WEBP")
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (100, 140), (255, 255, 255)).save(out, format="PDF")
    return out.getvalue()


def bomb() -> bytes:
    """A small PNG that decodes to 400 million pixels (compresses to a few hundred KB)."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(size=(400, 300))
    return data[: len(data) // 2]
