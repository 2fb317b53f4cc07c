"""Writes of attachments: upload, replace, delete, open (view or download), thumbnails,
key rotation and retention. Each checks permission through documents.access, writes,
records the audit event and queues its tasks on commit.

Bytes before rows: the encrypted file is written first, then the row, in one transaction;
if anything fails before the commit, every file this call wrote is deleted again, so a
refused or broken upload leaves neither a row nor bytes. Old bytes (a replaced or deleted
file) are deleted only once the transaction has committed.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from audit.models import AuditAction
from audit.services import audit_record
from cases import access
from cases.models import Case
from config.dates import validate_fields

from . import access as doc_access
from . import crypto, storage
from .models import IDENTITY_KINDS, Attachment, AttachmentKind
from .validation import CleanFile

logger = logging.getLogger(__name__)

THUMBNAIL_PX = 320


@contextmanager
def _written() -> Iterator[list[str]]:
    """Names written inside the block; deleted again if the block fails."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            try:
                storage.delete(name)
            except Exception:  # the original error matters more; the sweep is manual
                logger.exception("Could not delete %s after a failed write", name)
        raise


def _delete_later(*names: str) -> None:
    for name in names:
        if name:
            transaction.on_commit(partial(storage.delete, name), robust=True)


def _queue_thumbnail(attachment: Attachment) -> None:
    if not attachment.is_image:
        return
    from .tasks import make_thumbnail

    transaction.on_commit(partial(make_thumbnail.delay, attachment.pk), robust=True)


def _audit(action: str, *, by, attachment: Attachment, request, **detail) -> None:
    audit_record(
        action=action,
        actor=by,
        target=attachment.case,
        request=request,
        detail={"attachment": attachment.pk, "kind": attachment.kind, **detail},
    )


def _check_step(case: Case, step) -> None:
    if step is not None and step.plan.case_id != case.pk:
        raise ValidationError({"repatriation_step": _("Choose a step of this case's plan.")})


@transaction.atomic
def attachment_upload(
    *,
    case: Case,
    by,
    files: list[CleanFile],
    kind: str,
    description: str = "",
    document_date=None,
    step=None,
    request: HttpRequest | None = None,
) -> list[Attachment]:
    """Store ``files`` (already through documents.validation) as attachments of ``case``.

    Precondition: ``case`` came from ``cases.access.case_for(by, …)``. 403 if ``by`` may
    not upload here (or may not see the identity an identity kind carries)."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})
    if not doc_access.may_upload(by, case, step=step):
        raise PermissionDenied
    if kind in IDENTITY_KINDS and not access.user_can(by, case, access.VIEW_IDENTITY):
        raise PermissionDenied
    _check_step(case, step)
    created = []
    with _written() as names:
        for clean in files:
            name, kid = storage.write(clean.data)
            names.append(name)
            attachment = Attachment(
                case=case,
                person=case.person if kind in IDENTITY_KINDS else None,
                repatriation_step=step,
                kind=kind,
                description=description,
                document_date=document_date,
                original_name=clean.display_name,
                uploaded_by=by,
                organization=by.organization,
                content_type=clean.content_type,
                size=clean.size,
                width=clean.width,
                height=clean.height,
                storage_name=name,
                key_id=kid,
                sha256=clean.sha256,
            )
            validate_fields(attachment, ["description", "document_date", "original_name"])
            attachment._history_user = by  # type: ignore[attr-defined]
            attachment.save()
            _audit(AuditAction.ATTACHMENT_UPLOADED, by=by, attachment=attachment, request=request)
            _queue_thumbnail(attachment)
            created.append(attachment)
    return created


@transaction.atomic
def attachment_replace(
    *, attachment: Attachment, by, file: CleanFile, request: HttpRequest | None = None
) -> Attachment:
    """A new file in the attachment's place (a better scan). Precondition: ``attachment``
    came from ``documents.access.attachment_for(by, …, change=True)``; checked again."""
    if not doc_access.may_see(by, attachment) or not doc_access.may_change(by, attachment):
        raise PermissionDenied
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.is_deleted:
        raise PermissionDenied
    old = (locked.storage_name, locked.thumbnail_name)
    with _written() as names:
        name, kid = storage.write(file.data)
        names.append(name)
        locked.storage_name, locked.key_id = name, kid
        locked.content_type, locked.size, locked.sha256 = file.content_type, file.size, file.sha256
        locked.width, locked.height = file.width, file.height
        locked.original_name = file.display_name
        locked.thumbnail_name = locked.thumbnail_key_id = ""
        locked.replaced_at = timezone.now()
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
        _audit(AuditAction.ATTACHMENT_REPLACED, by=by, attachment=locked, request=request)
    _delete_later(*old)
    _queue_thumbnail(locked)
    return locked


@transaction.atomic
def attachment_delete(
    *, attachment: Attachment, by, request: HttpRequest | None = None
) -> Attachment:
    """The bytes go; the row (who, when) and its history stay. Idempotent."""
    if not doc_access.may_change(by, attachment):
        raise PermissionDenied
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.is_deleted:
        return locked
    _delete_later(locked.storage_name, locked.thumbnail_name)
    locked.deleted_at, locked.deleted_by = timezone.now(), by
    locked.storage_name = locked.thumbnail_name = locked.thumbnail_key_id = ""
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    _audit(AuditAction.ATTACHMENT_DELETED, by=by, attachment=locked, request=request)
    return locked


VIEW, DOWNLOAD, THUMBNAIL = "view", "download", "thumbnail"


def attachment_open(
    *, attachment: Attachment, by, how: str = DOWNLOAD, request: HttpRequest | None = None
) -> bytes:
    """The plain bytes for the user (or the thumbnail's), with the audit row. Precondition:
    ``attachment`` came from ``documents.access.attachment_for(by, …)``; checked again."""
    if not doc_access.may_see(by, attachment):
        raise PermissionDenied
    name = attachment.thumbnail_name if how == THUMBNAIL else attachment.storage_name
    if not name:
        raise FileNotFoundError(name)
    data = storage.read(name)
    action = AuditAction.ATTACHMENT_DOWNLOADED if how == DOWNLOAD else AuditAction.ATTACHMENT_VIEWED
    with transaction.atomic():
        _audit(action, by=by, attachment=attachment, request=request, how=how)
    return data


def thumbnail_bytes(plain: bytes) -> bytes:
    with Image.open(io.BytesIO(plain)) as im:
        im.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        image = im.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def attachment_thumbnail_make(*, attachment_id: int) -> bool:
    """The thumbnail of an image attachment, encrypted like the file (the task's body).
    Idempotent: a deleted attachment, a PDF, or one with a thumbnail is left alone; a file
    replaced while this ran keeps the thumbnail of the new file only."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.is_deleted or not attachment.is_image:
        return False
    if attachment.thumbnail_name:
        return False
    source = attachment.storage_name
    thumb = thumbnail_bytes(storage.read(source))
    with transaction.atomic(), _written() as names:
        locked = Attachment.objects.select_for_update().get(pk=attachment_id)
        if locked.is_deleted or locked.thumbnail_name or locked.storage_name != source:
            return False
        name, kid = storage.write(thumb)
        names.append(name)
        # A queryset update: bookkeeping, not a change the history should show.
        Attachment.objects.filter(pk=locked.pk).update(thumbnail_name=name, thumbnail_key_id=kid)
    return True


def attachments_rotate_keys(*, batch: int = 100, check: bool = False) -> int:
    """Move files (and thumbnails) under old keys to the current file key: each is read,
    decrypted, encrypted anew under a new name, the row updated, the old file deleted after
    the commit. Each file in its own transaction; an interrupted run is simply run again.
    With ``check``: only count what is left. Returns the number of files (to be) moved."""
    current = crypto.file_keys().current_kid
    old = Attachment.objects.filter(deleted_at__isnull=True).exclude(storage_name="")
    files = old.exclude(key_id=current)
    thumbs = old.exclude(thumbnail_name="").exclude(thumbnail_key_id=current)
    if check:
        return files.count() + thumbs.count()
    done = 0
    for field, kid_field, qs in (
        ("storage_name", "key_id", files),
        ("thumbnail_name", "thumbnail_key_id", thumbs),
    ):
        for pk in list(qs.values_list("pk", flat=True)[:batch]):
            with transaction.atomic(), _written() as names:
                row = Attachment.objects.select_for_update().get(pk=pk)
                stored = getattr(row, field)
                if not stored or getattr(row, kid_field) == current:
                    continue
                name, kid = storage.write(storage.read(stored))
                names.append(name)
                # Bookkeeping (the file is the same): no history row.
                Attachment.objects.filter(pk=pk).update(**{field: name, kid_field: kid})
                _delete_later(stored)
            done += 1
    return done


def scrub(case: Case) -> None:
    """Retention and erasure (cases.retention): every file and thumbnail of the case is
    deleted, after the commit; the rows stay marked deleted, without their description or
    file name, in the history too."""
    from cases import history

    rows = list(Attachment.objects.select_for_update().filter(case=case))
    now = timezone.now()
    for row in rows:
        _delete_later(row.storage_name, row.thumbnail_name)
    Attachment.objects.filter(case=case, deleted_at__isnull=True).update(deleted_at=now)
    Attachment.objects.filter(case=case).update(
        storage_name="",
        thumbnail_name="",
        thumbnail_key_id="",
        description="",
        original_name="",
    )
    history.scrub_values(
        Attachment.history.filter(case_id=case.pk), ["description", "original_name"], Attachment
    )
    Attachment.history.filter(case_id=case.pk).update(storage_name="")


def rotate_all(check: bool) -> int:
    """For ``manage.py rotate_keys`` (fieldcrypt.rotation): every file, batch after batch."""
    if check:
        return attachments_rotate_keys(check=True)
    total = 0
    while done := attachments_rotate_keys():
        total += done
    return total
