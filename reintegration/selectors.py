"""Reads of reintegration records. A record hangs off a case, so it is looked up among the
cases the user may see (cases.access): 404 for a foreign or unknown id, 403 when the case is
visible but the user may not do ``perm``."""

from __future__ import annotations

from typing import Any

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from cases import access
from cases.models import Case

from .models import FollowUp, Need, ServiceOffer, ServiceRecord, Transfer
from .vocab import TransferStatus


def _pk(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found") from None


def _on_visible_case(user: Any, qs: QuerySet, pk: Any, perm: str) -> Any:
    obj = qs.filter(pk=_pk(pk), case__in=access.cases_visible_to(user).values("pk")).first()
    if obj is None:
        raise Http404("Not found")
    access.require(user, obj.case, perm)
    return obj


def service_for(user: Any, pk: Any, perm: str = access.VIEW) -> ServiceRecord:
    qs = ServiceRecord.objects.select_related("case", "provider", "referral")
    return _on_visible_case(user, qs, pk, perm)


def follow_up_for(user: Any, pk: Any, perm: str = access.VIEW) -> FollowUp:
    qs = FollowUp.objects.select_related("case", "assigned_organization", "new_case")
    return _on_visible_case(user, qs, pk, perm)


def services_of(case: Case) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(case=case)
        .select_related("provider", "referral")
        .prefetch_related("repayments")
        .annotate(
            repaid=Coalesce(
                Sum("repayments__amount"),
                Value(0),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .order_by("started_on", "id")
    )


def needs_of(case: Case) -> QuerySet[Need]:
    return Need.objects.filter(case=case).select_related("organization").order_by("kind")


def follow_ups_of(case: Case) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(case=case)
        .select_related("assigned_organization", "new_case")
        .order_by("months")
    )


def pending_transfer(case: Case) -> Transfer | None:
    return (
        Transfer.objects.filter(case=case, status=TransferStatus.PENDING)
        .select_related("to_organization")
        .first()
    )


def own_offer_for(user: Any, pk: Any) -> ServiceOffer:
    """One of the user's organisation's offers (another's: 404)."""
    org_id: int = getattr(user, "organization_id", None) or 0
    offer = (
        ServiceOffer.objects.filter(pk=_pk(pk), organization_id=org_id)
        .select_related("organization")
        .first()
    )
    if offer is None:
        raise Http404("Not found")
    return offer
