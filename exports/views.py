from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access
from cases.models import Case

from . import selectors, services
from .forms import ExportRequestForm
from .models import ExportStatus


def case_panel(request: HttpRequest, case: Case, perms: frozenset[str]) -> dict[str, Any] | None:
    """The case page's export section: only for users who may export the case."""
    if access.EXPORT not in perms:
        return None
    return {
        "case": case,
        "form": ExportRequestForm(),
        "exports": list(selectors.exports_on_case(request.user, case)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def export_request(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(request.user, case_pk, access.EXPORT)
    form = ExportRequestForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            export = services.export_request(
                user=request.user,
                case_id=case.pk,
                purpose=form.cleaned_data["purpose"],
                purpose_other=form.cleaned_data["purpose_other"],
                request=request,
            )
        except services.ConsentRefused as exc:
            # The person said no to this purpose: say so on the form, export nothing.
            form.add_error("purpose", str(exc))
            status = 403
        else:
            return redirect("exports:detail", pk=export.pk)
    return render(request, "exports/request.html", {"case": case, "form": form}, status=status)


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_for(request.user, pk)
    return render(request, "exports/export_detail.html", {"export": export})


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment: polls itself while pending, stops once ready or failed."""
    export = selectors.export_for(request.user, pk)
    response = render(request, "exports/partials/status.html", {"export": export})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_for(request.user, pk)
    export = services.export_retry(user=request.user, export=export, request=request)
    if request.headers.get("HX-Request"):
        export = selectors.export_for(request.user, export.pk)
        return render(request, "exports/partials/status.html", {"export": export})
    return redirect("exports:detail", pk=export.pk)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = selectors.export_for(request.user, pk)
    path = export.absolute_path
    if export.status != ExportStatus.READY or path is None or not path.is_file():
        raise Http404("No file")
    services.export_download(user=request.user, export=export, request=request)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export.filename(),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
