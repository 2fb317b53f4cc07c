"""The service directory: every member of a case-working organisation may search it; an
organisation's coordinators and admins publish its offers and today's free beds."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import User
from partners.roles import Right, has_right

from .. import directory, selectors
from ..forms import BedsForm, DirectoryFilterForm, OfferForm
from ..models import ServiceOffer
from .common import errors_on

PAGE_SIZE = 30


def _may_search(user) -> bool:
    return has_right(user, Right.USE_REFERRALS) or has_right(user, Right.MANAGE_SERVICE_OFFERS)


@login_required
def directory_list(request: HttpRequest) -> HttpResponse:
    if not _may_search(request.user):
        raise PermissionDenied
    form = DirectoryFilterForm(request.GET or None)
    qs = directory.offers(**form.filters()).prefetch_related("areas")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reintegration/directory.html",
        {
            "form": form,
            "page": page,
            "querystring": params.urlencode(),
            "may_manage": has_right(request.user, Right.MANAGE_SERVICE_OFFERS),
        },
    )


def _manager(request: HttpRequest) -> User:
    if not has_right(request.user, Right.MANAGE_SERVICE_OFFERS):
        raise PermissionDenied
    return cast(User, request.user)


@login_required
def my_offers(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    offers = (
        ServiceOffer.objects.filter(organization_id=user.organization_id or 0)
        .prefetch_related("areas")
        .order_by("service")[:100]
    )
    return render(
        request, "reintegration/my_offers.html", {"offers": offers, "beds_form": BedsForm()}
    )


def _offer_page(request: HttpRequest, offer: ServiceOffer | None) -> HttpResponse:
    user = _manager(request)
    form = OfferForm(request.POST if request.method == "POST" else None, instance=offer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = data.pop("areas")
        try:
            directory.offer_save(by=user, offer=offer, areas=areas, **data)
        except ValidationError as exc:
            errors_on(form, exc)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("reintegration:my_offers")
    return render(
        request,
        "reintegration/offer_form.html",
        {"form": form, "offer": offer},
        status=400 if form.errors else 200,
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    return _offer_page(request, None)


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.own_offer_for(request.user, pk)
    if request.method == "POST" and request.POST.get("delete"):
        directory.offer_delete(offer=offer, by=_manager(request))
        messages.success(request, _("Offer removed."))
        return redirect("reintegration:my_offers")
    return _offer_page(request, offer)


@login_required
@require_POST
def offer_beds(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.own_offer_for(request.user, pk)
    user = _manager(request)
    form = BedsForm(request.POST)
    if form.is_valid():
        try:
            directory.offer_set_beds(offer=offer, by=user, beds_free=form.cleaned_data["beds_free"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Free beds updated."))
    else:
        for e in form.errors.get("beds_free", []):
            messages.error(request, str(e))
    return redirect("reintegration:my_offers")
