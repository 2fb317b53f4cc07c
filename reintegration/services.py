"""Writes on needs, service records and repayments. Each is atomic, checks
``record_services`` on the case through cases.access, writes, and records the timeline entry
and the audit event. Free text and exact places need view-identity (cases.disclosure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, disclosure, timeline
from cases.models import Case
from partners.models import Organization, User
from referrals.models import Referral, ReferralStatus

from .models import SERVICE_FIELDS, Need, Repayment, ServiceRecord
from .vocab import MONEY, Schedule, ServiceStatus, ServiceType


def _audit(by: User, case: Case, **detail: Any) -> None:
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail=detail)


# --- needs ----------------------------------------------------------------------------------


@transaction.atomic
def need_set(
    *,
    case: Case,
    by: User,
    kind: str,
    status: str,
    organization: Organization | None = None,
    assessed_on: date | None = None,
) -> Need:
    """Record a need of the assessment, or change its status and who meets it (one per kind)."""
    access.require(by, case, access.RECORD_SERVICES)
    need = Need.objects.select_for_update().filter(case=case, kind=kind).first()
    created = need is None
    if need is None:
        need = Need(case=case, kind=kind)
    need.status = status
    need.organization = organization
    if assessed_on is not None:
        need.assessed_on = assessed_on
    need.changed_by = by
    need.full_clean(exclude=["case"], validate_unique=False)
    need.save()
    timeline.record(
        case=case,
        kind="need_recorded" if created else "need_changed",
        actor=by,
        data={"need": kind, "status": status},
    )
    _audit(by, case, need=need.pk, status=status)
    return need


# --- service records ------------------------------------------------------------------------


def _check_provider(by: User, case: Case, provider: Organization) -> None:
    """A provider records its own services; the owner may also record a partner's."""
    if provider.pk != by.organization_id and case.owner_organization_id != by.organization_id:
        raise ValidationError(
            {"provider": _("You may record only the services your organisation provides.")}
        )


def _check_referral(case: Case, provider: Organization, referral: Referral | None) -> None:
    if referral is None:
        return
    if (
        referral.case_id != case.pk
        or referral.to_organization_id != provider.pk
        or referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
    ):
        raise ValidationError(
            {"referral": _("Choose an accepted referral of this case to the provider.")}
        )


def _check_money(record: ServiceRecord) -> None:
    errors: dict[str, Any] = {}
    if record.type in MONEY:
        if record.amount is None or record.amount <= 0:
            errors["amount"] = _("Enter the amount of the loan or grant.")
        if not record.currency:
            errors["currency"] = _("Enter the currency (ISO 4217, e.g. KHR or USD).")
        if record.type == ServiceType.MICRO_LOAN and record.schedule in ("", Schedule.NONE):
            errors["schedule"] = _("Choose how the loan is repaid.")
        if record.type == ServiceType.LIVELIHOOD_GRANT:
            record.schedule = Schedule.NONE
    else:
        record.amount = None
        record.currency, record.schedule = "", ""
    if record.ended_on and record.started_on and record.ended_on < record.started_on:
        errors["ended_on"] = _("The end cannot be before the start.")
    if errors:
        raise ValidationError(errors)


SERVICE_INPUT = (
    "type",
    "provider",
    "referral",
    "status",
    "started_on",
    "ended_on",
    "amount",
    "currency",
    "schedule",
    "place",
    "note",
)


@transaction.atomic
def service_record_create(*, case: Case, by: User, **fields: Any) -> ServiceRecord:
    """Record a service delivered on a case the user's organisation holds
    ``record_services`` on (the owner, or a provider granted it by an accepted referral)."""
    access.require(by, case, access.RECORD_SERVICES)
    unknown = set(fields) - set(SERVICE_INPUT)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    disclosure.require_identity_for(by, case, SERVICE_FIELDS, fields)
    fields.setdefault("provider", by.organization)
    _check_provider(by, case, fields["provider"])
    _check_referral(case, fields["provider"], fields.get("referral"))
    fields["currency"] = (fields.get("currency") or "").upper()
    record = ServiceRecord(case=case, created_by=by, **fields)
    _check_money(record)
    record.full_clean(exclude=["case"])
    record.save()
    timeline.record(
        case=case,
        kind="service_recorded",
        actor=by,
        data={"service": record.type, "provider": record.provider.name},
    )
    _audit(by, case, service_record=record.pk, created=True)
    return record


def _locked_service(service: ServiceRecord | int, by: User) -> ServiceRecord:
    pk = service if isinstance(service, int) else service.pk
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("case", "provider")
        .get(pk=pk)
    )
    access.require(by, record.case, access.RECORD_SERVICES)
    if by.organization_id not in (record.provider_id, record.case.owner_organization_id):
        raise PermissionDenied  # another provider's record: read, not changed
    return record


@transaction.atomic
def service_record_update(
    *, service: ServiceRecord, by: User, status: str, ended_on: date | None, note: str | None = None
) -> ServiceRecord:
    """The provider (or the owner) moves a service on: status, end date, note."""
    record = _locked_service(service, by)
    values = {"status": status, "ended_on": ended_on}
    if note is not None:
        disclosure.require_identity_for(by, record.case, SERVICE_FIELDS, {"note": note})
        if disclosure.for_case(by, record.case).identity:
            values["note"] = note
    for name, value in values.items():
        setattr(record, name, value)
    if record.status == ServiceStatus.COMPLETED and record.ended_on is None:
        raise ValidationError({"ended_on": _("Enter the day the service ended.")})
    _check_money(record)
    record.full_clean(exclude=["case"])
    record.save()
    timeline.record(
        case=record.case,
        kind="service_updated",
        actor=by,
        data={"service": record.type, "status": record.status},
    )
    _audit(by, record.case, service_record=record.pk, status=record.status)
    return record


def repaid_total(record: ServiceRecord) -> Decimal:
    total = record.repayments.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


@transaction.atomic
def repayment_add(*, service: ServiceRecord, by: User, paid_on: date, amount: Decimal) -> Repayment:
    """A repayment of a micro-loan. Refused when the repayments would total more than the loan
    (the service row is locked, so two repayments at once cannot both pass)."""
    record = _locked_service(service, by)
    if not record.is_loan:
        raise ValidationError(_("Only a loan has repayments."))
    repayment = Repayment(service=record, paid_on=paid_on, amount=amount, recorded_by=by)
    repayment.full_clean(exclude=["service"])
    if paid_on < record.started_on:
        raise ValidationError({"paid_on": _("A repayment cannot be before the loan started.")})
    total = repaid_total(record) + amount
    assert record.amount is not None  # a loan has an amount (_check_money)
    if total > record.amount:
        raise ValidationError(
            {
                "amount": _(
                    "The repayments would total %(total)s %(currency)s, more than the loan of "
                    "%(loan)s %(currency)s."
                )
                % {"total": total, "loan": record.amount, "currency": record.currency}
            }
        )
    repayment.save()
    timeline.record(
        case=record.case,
        kind="repayment_recorded",
        actor=by,
        data={"service": record.type},
    )
    _audit(by, record.case, service_record=record.pk, repayment=repayment.pk)
    return repayment
