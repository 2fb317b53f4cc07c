"""The case page's change history of attachments (cases.history): the same kinds a user
may see (documents.access), descriptions and file names only with view identity."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases import access, history

from .models import ATTACHMENT_FIELDS, IDENTITY_KINDS, Attachment, AttachmentKind

FIELDS = ("kind", "document_date", "description", "original_name", "replaced_at", "deleted_at")


def _records(user, case):
    rows = Attachment.history.filter(case_id=case.pk)
    if not access.user_can(user, case, access.VIEW_IDENTITY):
        rows = rows.exclude(kind__in=IDENTITY_KINDS)
    return rows


def _label(record: Any) -> str:
    kind = dict(AttachmentKind.choices).get(record.kind, record.kind)
    return _("Attachment: %(kind)s") % {"kind": kind}


def register() -> None:
    history.register(
        history.Source(
            name="attachment",
            model=Attachment,
            records=_records,
            fields=FIELDS,
            label=_label,
            identity=ATTACHMENT_FIELDS.identity,
        )
    )
