"""The export: a write, because every export is an audit event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import audit_record
from partners.roles import Right, has_right

from . import ctdc
from .selectors import Filters

FORMATS = {
    "csv": ("text/csv; charset=utf-8", ctdc.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ctdc.to_xlsx,
    ),
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str
    rows: int


@transaction.atomic
def ctdc_export_create(
    *, user: Any, filters: Filters, fmt: str, request: HttpRequest | None = None
) -> ExportFile:
    """The de-identified CTDC export of the cases the coordinator may see, as CSV or XLSX.
    Refuses (PermissionDenied) anyone but a coordinator; records the export in the audit log
    in the same transaction."""
    if not has_right(user, Right.EXPORT_CTDC):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    content_type, render = FORMATS[fmt]
    data = ctdc.rows(user, filters)
    audit_record(
        action=AuditAction.EXPORT_REQUESTED,
        actor=user,
        target_type="reports.ctdc",
        target_label="CTDC de-identified export",
        request=request,
        detail={"kind": "ctdc", "format": fmt, "rows": len(data)},
    )
    filename = f"homeward-ctdc-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.{fmt}"
    return ExportFile(render(data), content_type, filename, len(data))
