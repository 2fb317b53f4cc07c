"""Writes of exports: request, retry, generate (the task's body), download, expire, sweep."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, timeline
from cases.consent import refused_consents
from cases.models import Case
from cases.vocab import ConsentPurpose
from notifications.services import notify

from . import pdf
from .models import CONSENT_FOR_PURPOSE, Export, ExportPurpose, ExportStatus

logger = logging.getLogger(__name__)

# Longer than the task's hard time limit: a pending export older than this will never finish.
STUCK_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)
ERROR_LENGTH = 500


def _publish(export_id: int) -> None:
    """Hand the export to Celery. If the broker is down the row stays pending and the stuck
    sweep fails it later, so the requester sees 'failed' and can retry."""
    from .tasks import generate_export

    try:
        generate_export.delay(export_id)
    except Exception:  # the broker's many failure types; the row is the truth
        logger.warning("Could not publish export %s; the sweep will fail it", export_id)


def _purpose_for_timeline(export: Export) -> str:
    # Timeline data holds the purpose's code (the page shows its label in the reader's
    # language, cases/timeline.py), never the "other" free text (it could name someone).
    return str(export.purpose)


class ConsentRefused(PermissionDenied):
    """The person refused or withdrew the consent this export's purpose discloses under."""

    def __init__(self, purpose: str):
        self.purpose = purpose
        label = ConsentPurpose(purpose).label
        super().__init__(
            _("The person has not consented, or withdrew consent, to: %(purpose)s.")
            % {"purpose": label}
        )


def require_consent(case: Case | int, purpose: str) -> None:
    """Raise ConsentRefused when the person refused or withdrew the consent ``purpose`` (an
    ExportPurpose) needs. A consent never recorded does not block (as before issue 7)."""
    needed = CONSENT_FOR_PURPOSE.get(ExportPurpose(purpose))
    if needed is None:
        return
    case_obj = case if isinstance(case, Case) else Case.objects.get(pk=case)
    if refused_consents(case_obj, [needed]):
        raise ConsentRefused(needed)


@transaction.atomic
def export_request(
    *,
    user,
    case_id: int | str,
    purpose: str,
    purpose_other: str = "",
    request: HttpRequest | None = None,
) -> Export:
    """Create a pending export and queue its rendering once the transaction commits.
    Raises Http404 / PermissionDenied through cases.access."""
    case = access.case_for(user, case_id, access.EXPORT)
    purpose = ExportPurpose(purpose)
    require_consent(case, purpose)
    purpose_other = purpose_other.strip() if purpose == ExportPurpose.OTHER else ""
    if purpose == ExportPurpose.OTHER and not purpose_other:
        raise ValueError("The 'other' purpose needs a description")
    now = timezone.now()
    export = Export.objects.create(
        requested_by=user,
        organization=user.organization,
        case=case,
        purpose=purpose,
        purpose_other=purpose_other,
        queued_at=now,
    )
    audit_record(
        action=AuditAction.EXPORT_REQUESTED,
        actor=user,
        target=case,
        request=request,
        detail={"export": export.pk, "purpose": purpose.value},
    )
    timeline.record(
        case=case,
        kind="export_requested",
        actor=user,
        data={"purpose": _purpose_for_timeline(export)},
    )
    transaction.on_commit(partial(_publish, export.pk), robust=True)
    return export


@transaction.atomic
def export_retry(*, user, export: Export, request: HttpRequest | None = None) -> Export:
    """Queue a failed export again. Precondition: ``export`` came from
    ``selectors.export_for(user, ...)``; access is checked again here all the same."""
    access.case_for(user, export.case_id, access.EXPORT)
    require_consent(export.case_id, export.purpose)
    export = Export.objects.select_for_update().get(pk=export.pk)
    if export.status != ExportStatus.FAILED:
        return export
    export.status = ExportStatus.PENDING
    export.error_message = ""
    export.queued_at = timezone.now()
    export.finished_at = None
    export.save(update_fields=["status", "error_message", "queued_at", "finished_at"])
    audit_record(
        action=AuditAction.EXPORT_REQUESTED,
        actor=user,
        target=export.case,
        request=request,
        detail={"export": export.pk, "purpose": export.purpose, "retry": True},
    )
    transaction.on_commit(partial(_publish, export.pk), robust=True)
    return export


def _private_root() -> Path:
    root = Path(settings.PRIVATE_FILES_ROOT)
    (root / "exports").mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _write_private(export: Export, data: bytes) -> str:
    """Write atomically (temp file + rename) and return the path relative to the root."""
    root = _private_root()
    relative = f"exports/{export.pk}-{os.urandom(8).hex()}.pdf"
    fd, tmp = tempfile.mkstemp(dir=root / "exports", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, root / relative)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return relative


def _fail(export: Export, message: str) -> None:
    export.status = ExportStatus.FAILED
    export.error_message = message[:ERROR_LENGTH]
    export.finished_at = timezone.now()


def export_render(export: Export) -> pdf.RenderedPdf:
    """Render the export's PDF for its requester. Raises Http404/PermissionDenied if the
    requester may no longer export the case, RenderError for a render problem."""
    exporter = export.requested_by
    case = access.case_for(
        exporter,
        export.case_id,
        access.EXPORT,
        queryset=Case.objects.select_related("person", "owner_organization"),
    )
    require_consent(case, export.purpose)  # withdrawn while the export waited: not rendered
    # The whole document in the exporter's language: labels and values (choice labels,
    # countries) alike, whatever language the worker or the request runs in.
    with translation.override(pdf.language_of(exporter)):
        context = pdf.summary_context(
            case=case,
            exporter=exporter,
            anonymised=export.anonymised,
            purpose_label=_purpose_label(export, exporter),
            purpose=export.purpose,
        )
    html = pdf.render_html(context, pdf.language_of(exporter))
    return pdf.html_to_pdf(html)


def _purpose_label(export: Export, exporter) -> str:
    with translation.override(pdf.language_of(exporter)):
        return export.purpose_label


MAX_ATTEMPTS = 3


def _claim(export_id: int) -> bool:
    """Count an attempt in its own committed transaction, so that a render that kills the
    worker (the task is then delivered again: acks_late) still counts, and give up after
    MAX_ATTEMPTS. Returns False if there is nothing to render."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.PENDING:
            return False
        export.attempts += 1
        if export.attempts > MAX_ATTEMPTS:
            _fail(export, str(_("The summary could not be generated after several attempts.")))
        export.save(update_fields=["attempts", "status", "error_message", "finished_at"])
        return export.status == ExportStatus.PENDING


def export_generate(*, export_id: int) -> bool:
    """Render a pending export (the task's body). Idempotent: an export that is not pending
    (ready, failed, expired, or unknown) is left alone. Returns True if this call rendered it.

    The row stays locked while rendering, so a duplicate delivery of the task waits and then
    finds the export no longer pending. Every failure ends as ``failed`` with a message."""
    if not _claim(export_id):
        return False
    written: Path | None = None
    try:
        with transaction.atomic():
            export = (
                Export.objects.select_for_update(of=("self",))
                .select_related("requested_by__organization", "case")
                .filter(pk=export_id)
                .first()
            )
            if export is None or export.status != ExportStatus.PENDING:
                return False
            try:
                with transaction.atomic():
                    rendered = export_render(export)
            except ConsentRefused as exc:
                _fail(export, str(exc))
            except (Http404, PermissionDenied):
                _fail(export, str(_("You may no longer export this case.")))
            except pdf.RenderError as exc:
                _fail(export, str(exc))
            except Exception as exc:  # a render bug, a soft time limit: say so, never hang
                logger.exception("Export %s failed", export.pk)
                _fail(export, f"{_('The summary could not be generated')}: {type(exc).__name__}")
            else:
                export.file_path = _write_private(export, rendered.data)
                written = export.absolute_path
                export.size = len(rendered.data)
                export.pages = rendered.pages
                export.status = ExportStatus.READY
                export.finished_at = timezone.now()
                export.expires_at = export.finished_at + timedelta(days=settings.EXPORT_EXPIRY_DAYS)
                notify(
                    recipients=[export.requested_by],
                    kind="export_ready",
                    message=_("The case summary of %(reference)s is ready to download."),
                    params={"reference": export.case.reference},
                    link=reverse("exports:detail", args=[export.pk]),
                    email=False,
                )
            export.save()
    except BaseException:
        # The file was written but the row never said so: do not leave it on disk.
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return export.status == ExportStatus.READY


@transaction.atomic
def export_download(*, user, export: Export, request: HttpRequest | None = None) -> None:
    """Record a download. Precondition: ``export`` came from ``selectors.export_for``.
    Raises ConsentRefused (403) if the person withdrew the consent since it was made."""
    require_consent(export.case_id, export.purpose)
    audit_record(
        action=AuditAction.EXPORT_DOWNLOADED,
        actor=user,
        target=export.case,
        request=request,
        detail={"export": export.pk, "purpose": export.purpose},
    )
    timeline.record(
        case=export.case,
        kind="export_downloaded",
        actor=user,
        data={"purpose": _purpose_for_timeline(export)},
    )


def exports_expire(*, now=None) -> int:
    """Delete the files of expired exports and mark them expired. Returns how many."""
    now = now or timezone.now()
    ids = list(
        Export.objects.filter(status=ExportStatus.READY, expires_at__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            export = (
                Export.objects.select_for_update()
                .filter(pk=pk, status=ExportStatus.READY, expires_at__lte=now)
                .first()
            )
            if export is None:
                continue
            path = export.absolute_path
            if path is not None:
                path.unlink(missing_ok=True)
            export.status = ExportStatus.EXPIRED
            export.file_path = ""
            export.save(update_fields=["status", "file_path"])
            done += 1
    return done


def exports_fail_stuck(*, older_than: timedelta = STUCK_AFTER, now=None) -> int:
    """Fail exports still pending long after they were queued (a lost worker, a broker
    outage), so that no request hangs; the requester may retry."""
    cutoff = (now or timezone.now()) - older_than
    message = str(
        _("The summary was not generated in time (the worker may have stopped). Try again.")
    )
    # skip_locked: an export being rendered right now holds its row lock; leave it be.
    with transaction.atomic():
        stuck = list(
            Export.objects.select_for_update(skip_locked=True).filter(
                status=ExportStatus.PENDING, queued_at__lt=cutoff
            )[:1000]
        )
        for export in stuck:
            _fail(export, message)
            export.save(update_fields=["status", "error_message", "finished_at"])
    return len(stuck)
