from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from partners.roles import Right, has_right

from . import selectors, services
from .forms import FilterForm


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not has_right(request.user, Right.SEE_DASHBOARD):
        raise PermissionDenied
    form = FilterForm(request.GET or None)
    filters = form.filters()
    if not form.is_bound:
        # Show the default period in the inputs, so the page says what it counts.
        form = FilterForm(initial={"date_from": filters.date_from, "date_to": filters.date_to})
    context = {
        "form": form,
        "filters": filters,
        "shown": selectors.dashboard(request.user, filters),
        "min_cell": settings.REPORTS_MIN_CELL,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    if not has_right(request.user, Right.EXPORT_CTDC):
        raise PermissionDenied
    form = FilterForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Invalid filters")
    fmt = request.POST.get("format", "")
    if fmt not in services.FORMATS:
        return HttpResponseBadRequest("Unknown format")
    file = services.ctdc_export_create(
        user=request.user, filters=form.filters(), fmt=fmt, request=request
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "no-store"
    return response
