"""Needs, service records, repayments, follow-ups: pages on a case the user's organisation
holds ``record_services`` on (the owner, or a provider granted it by an accepted referral)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import access, disclosure
from cases.models import Case
from partners.models import User

from .. import followups, selectors, services
from ..forms import (
    FollowUpForm,
    NeedsForm,
    RepaymentForm,
    ServiceForm,
    ServiceUpdateForm,
    StartForm,
)
from ..models import FOLLOW_UP_FIELDS, SERVICE_FIELDS
from ..vocab import ServiceType
from .common import errors_on, write_once


def _case(request: HttpRequest, pk: int, perm: str = access.RECORD_SERVICES) -> Case:
    return access.case_for(
        request.user, pk, perm, queryset=Case.objects.select_related("owner_organization", "person")
    )


def _member(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # case_for() answered 404 to anyone else
    return user


@login_required
def needs(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    user = _member(request)
    current = {n.kind: n for n in selectors.needs_of(case)}
    form = NeedsForm(request.POST if request.method == "POST" else None, needs=current)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for kind in ServiceType:
                    status = form.cleaned_data[f"status_{kind.value}"]
                    org = form.cleaned_data[f"org_{kind.value}"]
                    need = current.get(kind.value)
                    if not status or (
                        need
                        and need.status == status
                        and need.organization_id == getattr(org, "pk", None)
                    ):
                        continue
                    services.need_set(
                        case=case, by=user, kind=kind.value, status=status, organization=org
                    )
        except ValidationError as exc:
            errors_on(form, exc)
        else:
            messages.success(request, _("Needs assessment saved."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "reintegration/needs.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    user = _member(request)
    shown = disclosure.for_case(user, case)
    form = ServiceForm(request.POST if request.method == "POST" else None, case=case, user=user)
    disclosure.restrict_form(form, SERVICE_FIELDS, shown)
    if request.method == "POST" and form.is_valid():
        response = write_once(
            request,
            form,
            lambda: services.service_record_create(case=case, by=user, **form.cleaned_data),
            lambda record: case.get_absolute_url() + "#reintegration-h",
        )
        if response is not None:
            messages.success(request, _("Service recorded."))
            return response
    return render(
        request,
        "reintegration/service_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.service_for(request.user, pk, access.VIEW)
    user = _member(request)
    case = record.case
    shown = disclosure.for_case(user, case)
    may_change = access.user_can(user, case, access.RECORD_SERVICES) and user.organization_id in (
        record.provider_id,
        case.owner_organization_id,
    )
    form = None
    if may_change:
        form = ServiceUpdateForm(
            request.POST if request.method == "POST" else None, instance=record
        )
        disclosure.restrict_form(form, SERVICE_FIELDS, shown)
    elif request.method == "POST":
        access.require(user, case, access.RECORD_SERVICES)
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.service_record_update(
                service=record,
                by=user,
                status=form.cleaned_data["status"],
                ended_on=form.cleaned_data["ended_on"],
                note=form.cleaned_data.get("note"),
            )
        except ValidationError as exc:
            errors_on(form, exc)
        else:
            messages.success(request, _("Service updated."))
            return redirect("reintegration:service", pk=record.pk)
    record = selectors.services_of(case).get(pk=record.pk)
    return render(
        request,
        "reintegration/service_detail.html",
        {
            "case": case,
            "service": record,
            "disclosure": shown,
            "form": form,
            "repayment_form": RepaymentForm() if may_change and record.is_loan else None,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def repayment_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.service_for(request.user, pk, access.RECORD_SERVICES)
    user = _member(request)
    if user.organization_id not in (record.provider_id, record.case.owner_organization_id):
        raise PermissionDenied  # another provider's loan: read, not changed
    form = RepaymentForm(request.POST)
    if form.is_valid():
        response = write_once(
            request,
            form,
            lambda: services.repayment_add(service=record, by=user, **form.cleaned_data),
            lambda _r: reverse("reintegration:service", args=[record.pk]),
        )
        if response is not None:
            messages.success(request, _("Repayment recorded."))
            return response
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))
    return redirect("reintegration:service", pk=record.pk)


@login_required
@require_POST
def start(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    user = _member(request)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            followups.reintegration_start(case=case, by=user, **form.cleaned_data)
        except ValidationError as exc:
            errors_on(form, exc)
        else:
            messages.success(request, _("Reintegration started: follow-ups at 3, 6 and 12 months."))
            return redirect(case.get_absolute_url())
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, str(e))
    return redirect(case.get_absolute_url())


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    fu = selectors.follow_up_for(request.user, pk, access.RECORD_SERVICES)
    user = _member(request)
    case = fu.case
    if user.organization_id not in (fu.assigned_organization_id, case.owner_organization_id):
        raise PermissionDenied
    shown = disclosure.for_case(user, case)
    form = FollowUpForm(request.POST if request.method == "POST" else None, instance=fu, user=user)
    disclosure.restrict_form(form, FOLLOW_UP_FIELDS, shown)
    if request.method == "POST" and form.is_valid():
        response = write_once(
            request,
            form,
            lambda: followups.follow_up_record(follow_up=fu, by=user, **form.values()),
            lambda _f: case.get_absolute_url() + "#reintegration-h",
        )
        if response is not None:
            messages.success(request, _("Follow-up recorded."))
            return response
    return render(
        request,
        "reintegration/follow_up_form.html",
        {"case": case, "follow_up": fu, "form": form},
        status=400 if form.errors else 200,
    )
