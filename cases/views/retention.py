"""The right to erasure: a coordinator of the owner anonymises a case now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import access, retention
from ..forms import AnonymiseForm
from ..models import Case
from .common import _case, _user


@login_required
@require_http_methods(["GET", "POST"])
def case_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: anonymise. 404 for a case the user may not see,
    403 for anyone but a coordinator of the owner organisation."""
    case = _case(request, pk, access.CHANGE)
    if not retention.may_erase(request.user, case):
        raise PermissionDenied
    if case.anonymised_at is not None:
        messages.info(request, _("This case is already anonymised."))
        return redirect(case.get_absolute_url())
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        retention.case_erase(
            case=case, by=_user(request), reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, _("The case was anonymised."))
        return redirect(case.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(request, "cases/case_anonymise.html", {"case": case, "form": form}, status=status)


def data_protection_panel(
    request: HttpRequest, case: Case, perms: frozenset[str]
) -> dict[str, Any] | None:
    """The case page's data protection section: that the case is anonymised, or the way to
    anonymise it for those who may. No query (the user's permissions are cached)."""
    if case.anonymised_at is None and not retention.may_erase(request.user, case):
        return None
    return {"case": case, "can_erase": case.anonymised_at is None}
