"""Retention (cases.retention): an anonymised case keeps no summary file."""

from __future__ import annotations

from cases.models import Case

from .models import Export, ExportStatus


def scrub(case: Case) -> None:
    """Delete the files of the case's exports and mark them expired; the rows stay (who
    exported what and when) without the free-text purpose.

    The rows are locked first: an export being rendered holds its lock until its file is
    written, so its file is seen and deleted here too."""
    exports = list(Export.objects.select_for_update().filter(case=case))
    for export in exports:
        path = export.absolute_path
        if path is not None:
            path.unlink(missing_ok=True)
    Export.objects.filter(case=case, status__in=[ExportStatus.READY, ExportStatus.PENDING]).update(
        status=ExportStatus.EXPIRED
    )
    Export.objects.filter(case=case).update(file_path="")
    # An "other" purpose must keep a description (a database constraint): it becomes a dash.
    Export.objects.filter(case=case).exclude(purpose_other="").update(purpose_other="—")
