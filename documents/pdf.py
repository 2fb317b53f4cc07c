"""The attachments section of the PDF case summary (exports.sections).

Lists the attachments the exporter may see (documents.access: identity kinds only with view
identity), by kind and date; never the description or file name when the summary is
anonymised or the exporter may not see the identity. For the **embassy** purpose, images
of passports, identity cards and travel documents are printed too: decrypted in memory,
reduced, and handed to WeasyPrint as ``data:`` URIs (exports.pdf.StaticOnlyFetcher serves
those and nothing from outside); each printed image is an audit row. PDFs attached are
listed, not printed.
"""

from __future__ import annotations

import base64
import io
import logging
from typing import Any

from PIL import Image

from audit.models import AuditAction
from audit.services import audit_record
from cases import access
from cases.models import Case

from . import storage
from .access import visible_attachments
from .models import AttachmentKind

logger = logging.getLogger(__name__)

EMBASSY = "embassy"  # exports.models.ExportPurpose.EMBASSY (exports sits above documents)
EMBASSY_KINDS = (AttachmentKind.TRAVEL_DOCUMENT, AttachmentKind.PASSPORT_OR_ID)
MAX_IMAGES = 6
LIST_LIMIT = 200
IMAGE_PX = 1400


def _data_uri(plain: bytes) -> str:
    with Image.open(io.BytesIO(plain)) as im:
        im.thumbnail((IMAGE_PX, IMAGE_PX))
        image = im.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


def attachments_section(
    case: Case, exporter: Any, anonymised: bool, purpose: str = ""
) -> dict[str, Any] | None:
    perms = access.perms_for(exporter, case)
    if access.VIEW not in perms:
        return None
    identity = access.VIEW_IDENTITY in perms and not anonymised
    rows = list(visible_attachments(exporter, case)[:LIST_LIMIT])
    if anonymised:
        rows = [a for a in rows if not a.is_identity]
    if not rows:
        return None
    images: list[dict[str, Any]] = []
    if purpose == EMBASSY and identity:
        for attachment in rows:
            if len(images) >= MAX_IMAGES:
                break
            if attachment.kind not in EMBASSY_KINDS or not attachment.is_image:
                continue
            images.append(
                {
                    "kind": attachment.get_kind_display(),
                    "date": attachment.document_date,
                    "src": _data_uri(storage.read(attachment.storage_name)),
                }
            )
            audit_record(
                action=AuditAction.ATTACHMENT_VIEWED,
                actor=exporter,
                target=case,
                detail={"attachment": attachment.pk, "kind": attachment.kind, "how": "pdf"},
            )
    return {
        "identity": identity,
        "rows": [
            {
                "kind": a.get_kind_display(),
                "date": a.document_date,
                "added": a.created_at,
                "type": a.get_content_type_display(),
                "description": a.description if identity else "",
            }
            for a in rows
        ],
        "images": images,
    }


def register() -> None:
    from exports import sections

    sections.register(
        "documents",
        "documents/pdf/section.html",
        attachments_section,
        order=35,
        wants_purpose=True,
    )
