"""Demo attachments (seed_demo): a drawn passport page and a drawn photo of a contract,
made with Pillow here (no file is copied from anywhere). Idempotent: a case that has
attachments is left as it is."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from cases import identity_index
from cases.models import Case
from partners.models import Organization, User

from . import services
from .models import Attachment, AttachmentKind
from .validation import validate_bytes


def _passport() -> bytes:
    image = Image.new("RGB", (880, 620), (28, 52, 96))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 840, 580), fill=(236, 232, 214))
    draw.rectangle((80, 120, 300, 400), fill=(180, 190, 200))  # the photo's place
    draw.ellipse((140, 160, 240, 260), fill=(120, 100, 90))
    draw.rectangle((130, 270, 250, 400), fill=(90, 90, 110))
    for i, line in enumerate(["PASSPORT", "DEMO ONLY - NOT A REAL DOCUMENT", "P<KHMDEMO<<"]):
        draw.text((340, 130 + 50 * i), line, fill=(20, 20, 20))
    draw.text((80, 500), "P<KHMDEMO<<DEMO<<<<<<<<<<<<<<<<<<<<<<<<<", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _contract() -> bytes:
    image = Image.new("RGB", (620, 820), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "EMPLOYMENT CONTRACT (DEMO)", fill=(0, 0, 0))
    for y in range(100, 700, 28):
        draw.line((40, y, 580, y), fill=(170, 170, 170), width=2)
    draw.text((40, 740), "Wage: 300 per month - never paid", fill=(120, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed(*, orgs: dict[str, Organization], users: dict[str, User]) -> None:
    case = identity_index.first_with_latin_name(
        Case.objects.filter(owner_organization=orgs["PPCARE"]), "Sopheap", "Ly"
    )
    if case is None or Attachment.objects.filter(case=case).exists():
        return
    caseworker = users["caseworker"]
    services.attachment_upload(
        case=case,
        by=caseworker,
        files=[validate_bytes(_passport(), "passport.jpg")],
        kind=AttachmentKind.PASSPORT_OR_ID,
        description="Passport, photo page (demo drawing)",
    )
    services.attachment_upload(
        case=case,
        by=caseworker,
        files=[validate_bytes(_contract(), "contract.png")],
        kind=AttachmentKind.EVIDENCE,
        description="Contract shown by the broker (demo drawing)",
    )
