"""Referral pages. HTTP only: permission on the case goes through cases.access, on the
referral through referrals.access; writes through referrals.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import access as case_access
from cases import services as case_services
from cases.consent import current_consents, missing_consents
from cases.forms import ConsentForm
from cases.models import Case
from cases.vocab import ConsentPurpose
from partners.models import User
from partners.roles import Right, has_right

from . import next_steps, selectors, services, suggestions
from .access import is_receiver, is_sender, referral_for
from .forms import DeclineForm, ReferralForm
from .list_filters import INCOMING
from .models import Referral, ReferralService

PAGE_SIZE = 50


def _require_referral_user(request: HttpRequest) -> None:
    if not has_right(request.user, Right.USE_REFERRALS):
        raise PermissionDenied


@login_required
def incoming(request: HttpRequest) -> HttpResponse:
    _require_referral_user(request)
    # Filters from a registry (referrals/list_filters.py); invalid ones are named, not applied.
    filter_form = INCOMING.form(request.GET or None)
    qs = filter_form.apply(selectors.incoming(request.user), request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "direction": "incoming",
            "filter_form": filter_form,
            "active_filters": filter_form.active(),
            "filter_errors": filter_form.error_messages(),
            "querystring": params.urlencode(),
        },
    )


@login_required
def outgoing(request: HttpRequest) -> HttpResponse:
    _require_referral_user(request)
    page = Paginator(selectors.outgoing(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/list.html", {"page": page, "direction": "outgoing"})


def _detail_context(request: HttpRequest, referral: Referral, **extra) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)  # the views are login_required
    receiver, sender = is_receiver(user, referral), is_sender(user, referral)
    can_open_case = case_access.user_can(user, referral.case, case_access.VIEW)
    steps = services.allowed_steps(user, referral)
    return {
        "referral": referral,
        "is_receiver": receiver,
        "is_sender": sender,
        "can_open_case": can_open_case,
        "may_answer": "accept" in steps,
        "may_complete": "complete" in steps,
        "may_cancel": "cancel" in steps,
        "decline_form": extra.pop("decline_form", None) or DeclineForm(),
        # journeys (issue 16 item 13): what to do next, from the apps that registered it.
        "next_steps": next_steps.for_referral(user, referral),
        **extra,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the receiving organisation needs to decide — reference, service, urgency,
    country, message — and never the person's identity (this page does not load it)."""
    referral = referral_for(
        request.user,
        pk,
        queryset=Referral.objects.select_related(
            "case", "from_organization", "to_organization", "created_by", "responded_by"
        ),
    )
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _run(request: HttpRequest, pk: int, action, ok_message: str, **kwargs) -> HttpResponse:
    referral = referral_for(request.user, pk)
    try:
        action(by=request.user, referral=referral, request=request, **kwargs)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, ok_message)
    return redirect("referrals:detail", pk=referral.pk)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, services.referral_accept, _("Referral accepted."))


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_for(
        request.user,
        pk,
        queryset=Referral.objects.select_related(
            "case", "from_organization", "to_organization", "created_by", "responded_by"
        ),
    )
    assert isinstance(request.user, User)  # login_required; referral_for answered 404 to others
    # Visible to the sending side, but only the receiver declines: 403 before the reason.
    services.require_party(request.user, referral, "decline")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, referral, decline_form=form)
        return render(request, "referrals/detail.html", context, status=400)
    return _run(
        request,
        pk,
        services.referral_decline,
        _("Referral declined."),
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, services.referral_complete, _("Referral marked as completed."))


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, services.referral_cancel, _("Referral cancelled."))


@login_required
def create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = case_access.case_for(
        request.user,
        case_pk,
        case_access.REFER,
        queryset=Case.objects.select_related("owner_organization"),
    )
    user = request.user
    assert isinstance(user, User)  # case_for() answered 404 to anyone else
    missing: list[str] = []
    if request.method == "POST":
        form = ReferralForm(request.POST, organization=user.organization)
        if form.is_valid():
            try:
                referral = services.referral_create_from_form(
                    by=user, case=case, cleaned_data=form.cleaned_data, request=request
                )
            except services.ConsentRequired as exc:
                missing = exc.missing
                form.add_error(None, exc)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Referral sent to %(org)s.") % {"org": referral.to_organization.name},
                )
                return redirect(case.get_absolute_url())
    else:
        form = ReferralForm(organization=user.organization, initial={"urgency": case.urgency})
    context = {
        "case": case,
        "form": form,
        "missing": [ConsentPurpose(p).label for p in missing],
        "may_override": has_right(user, Right.OVERRIDE_CONSENT),
        **_consent_needs_context(request, case, request.POST if request.method == "POST" else {}),
    }
    return render(request, "referrals/create.html", context, status=400 if form.errors else 200)


# --- consent needs on the referral form (issue 16 item 12) -----------------------------------


def _consent_form(purpose: str, data=None, typed=None) -> ConsentForm:
    """The case page's consent form, one per purpose on the referral page (prefixed, so that
    several sit in the referral form), agreed by default: the caseworker records a yes.
    ``typed``: the referral form's post, whose values for this purpose are kept (unbound) when
    another purpose was recorded."""
    prefix = f"consent-{purpose}"
    form = ConsentForm(data, prefix=prefix, initial={"purpose": purpose})
    if data is None:
        form.fields["granted"].initial = True
        if typed and f"{prefix}-method" in typed:
            form.initial["method"] = typed.get(f"{prefix}-method")
            form.initial["given_at"] = typed.get(f"{prefix}-given_at")
            form.initial["granted"] = bool(typed.get(f"{prefix}-granted"))
    return form


def _consent_needs_context(
    request: HttpRequest, case: Case, data, forms: dict[str, ConsentForm] | None = None
) -> dict[str, Any]:
    """What the chosen organisation and service need (referrals.services.required_consents,
    the rule referral_create applies) and what the person has decided on each."""
    user = request.user
    assert isinstance(user, User)
    chosen = ReferralForm(data, organization=user.organization)
    org_field = chosen.fields["to_organization"]
    try:
        to_organization = org_field.clean(data.get("to_organization")) if data else None
    except ValidationError:
        to_organization = None
    service = data.get("service", "") if data else ""
    service_label = ReferralService(service).label if service in ReferralService.values else ""
    needs: list[dict[str, Any]] = []
    if to_organization is not None:
        required = services.required_consents(to_organization)
        missing = set(missing_consents(case, required))
        current = current_consents(case)
        forms = forms or {}
        for purpose in required:
            consent = current.get(purpose)
            needs.append(
                {
                    "purpose": purpose,
                    "label": ConsentPurpose(purpose).label,
                    "missing": purpose in missing,
                    "refused": consent is not None and purpose in missing,
                    "withdrawn": consent is not None and consent.withdrawn_at is not None,
                    "form": forms.get(purpose) or _consent_form(purpose, typed=data),
                }
            )
    return {
        "case": case,
        "to_organization": to_organization,
        "service_label": service_label,
        "needs": needs,
        "any_missing": any(need["missing"] for need in needs),
        # Organisations offering the service in the person's area (referrals.suggestions).
        "suggestions": suggestions.for_case(case, service) if service_label else [],
        "can_record_consent": case_access.user_can(user, case, case_access.CHANGE),
    }


@login_required
@require_GET
def consent_needs(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The consents the organisation and service chosen on the referral form need, and
    which are missing (htmx, on change of either field)."""
    case = case_access.case_for(request.user, case_pk, case_access.REFER)
    return render(
        request,
        "referrals/partials/consent_needs.html",
        _consent_needs_context(request, case, request.GET),
    )


@login_required
@require_POST
def consent_record(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Record one missing consent from the referral form, through the case page's consent
    service and rights (change_case), and answer the requirement list only: the referral
    form the caseworker is typing stays as it is."""
    case = case_access.case_for(request.user, case_pk, case_access.CHANGE)
    purpose = request.POST.get("consent_purpose", "")
    if purpose not in ConsentPurpose.values:
        return HttpResponse(_("Choose a consent to record."), status=400)
    form = _consent_form(purpose, request.POST)
    status = 200
    if form.is_valid() and form.cleaned_data["purpose"] == purpose:
        user = request.user
        assert isinstance(user, User)
        case_services.consent_record(case=case, by=user, **form.cleaned_data)
        forms = {}
    else:
        status = 422
        forms = {purpose: form}
    return render(
        request,
        "referrals/partials/consent_needs.html",
        _consent_needs_context(request, case, request.POST, forms),
        status=status,
    )


def case_panel(request: HttpRequest, case: Case, perms: frozenset[str]) -> dict[str, Any] | None:
    """The case page's referral section: referrals of this case the user's organisation sent
    or received, and the way to refer it."""
    if not has_right(request.user, Right.USE_REFERRALS):
        return None
    return {
        "referrals": selectors.for_case(request.user, case),
        "can_refer": case_access.REFER in perms,
        "case": case,
    }
