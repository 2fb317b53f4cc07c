"""Case transfer pages: the request (on a case the user's organisation owns), the list of
transfers sent and received, one transfer with accept / decline / cancel. A transfer's page
shows what a referral's does — reference, organisations, reason — never the person."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access
from cases.models import Case
from partners.models import User
from partners.roles import Right, has_right

from .. import directory, selectors, transfers
from ..forms import DeclineForm, TransferForm
from .common import errors_on, write_once

PAGE_SIZE = 50


@login_required
def request_transfer(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = access.case_for(
        request.user, case_pk, access.VIEW, queryset=Case.objects.select_related("person")
    )
    user = request.user
    assert isinstance(user, User)
    if not transfers.may_request(user, case):
        raise PermissionDenied
    form = TransferForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        response = write_once(
            request,
            form,
            lambda: transfers.transfer_request(case=case, by=user, **form.cleaned_data),
            lambda t: t and case.get_absolute_url(),
        )
        if response is not None:
            messages.success(request, _("Transfer requested: the organisation is asked to accept."))
            return response
    open_needs = [n.kind for n in selectors.needs_of(case) if n.status != "met"]
    return render(
        request,
        "reintegration/transfer_form.html",
        {
            "case": case,
            "form": form,
            "pending": selectors.pending_transfer(case),
            # Organisations offering what the person still needs, in their home area.
            "suggestions": directory.suggest_for_case(case, open_needs) if open_needs else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_right(user, Right.TRANSFER_CASES):
        raise PermissionDenied
    assert isinstance(user, User)
    qs = transfers.transfers_visible_to(user).select_related(
        "case", "from_organization", "to_organization"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reintegration/transfer_list.html", {"page": page})


def _detail(request: HttpRequest, t, form=None, status: int = 200) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "reintegration/transfer_detail.html",
        {
            "transfer": t,
            "is_receiver": user.organization_id == t.to_organization_id,
            "is_sender": user.organization_id == t.from_organization_id,
            "can_open_case": access.user_can(user, t.case, access.VIEW),
            "decline_form": form or DeclineForm(),
        },
        status=status,
    )


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, transfers.transfer_for(cast(User, request.user), pk))


@login_required
@require_POST
def transfer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    t = transfers.transfer_for(user, pk)
    form = None
    try:
        if action == "accept":
            transfers.transfer_accept(transfer=t, by=user)
            messages.success(request, _("Transfer accepted: the case is your organisation's now."))
        elif action == "decline":
            transfers.require_receiver(user, t)
            form = DeclineForm(request.POST)
            if not form.is_valid():
                return _detail(request, t, form, status=400)
            reason = form.cleaned_data["decline_reason"]
            transfers.transfer_decline(transfer=t, by=user, reason=reason)
            messages.success(request, _("Transfer declined."))
        elif action == "cancel":
            transfers.transfer_cancel(transfer=t, by=user)
            messages.success(request, _("Transfer withdrawn."))
        else:
            raise Http404("No such action")
    except ValidationError as exc:
        if form is not None:
            errors_on(form, exc)
            return _detail(request, t, form, status=400)
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("reintegration:transfer", pk=t.pk)
