"""Case transfer: the owner organisation hands the case to another (the destination NGO to the
home-country NGO after the return). A request with a reason, checked against the person's
consent, accepted or declined by the receiver; on acceptance ownership and the owner's
permissions move through ``cases.access.transfer_ownership`` and nothing else.

Who: coordinators (``Right.TRANSFER_CASES``) of the owner request and cancel; those of the
receiver answer. Before it accepts, the receiver sees what a referral shows (reference,
organisations, reason), never the person's identity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, timeline
from cases.consent import missing_consents
from cases.models import Case
from cases.vocab import ConsentPurpose
from notifications.services import notify
from partners.models import Organization, User
from partners.roles import Right, has_right, roles_with
from referrals.models import Referral
from referrals.services import required_consents

from .models import FollowUp, Transfer
from .vocab import TransferStatus

PENDING_EXISTS = _("A transfer of this case is already waiting for an answer.")


def transfers_visible_to(user: User) -> QuerySet[Transfer]:
    """Transfers the user's organisation sent or received, for members who may transfer."""
    if not has_right(user, Right.TRANSFER_CASES):
        return Transfer.objects.none()
    org = user.organization_id
    return Transfer.objects.filter(Q(from_organization_id=org) | Q(to_organization_id=org))


def transfer_for(user: User, pk: int | str) -> Transfer:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such transfer") from None
    found = (
        transfers_visible_to(user)
        .select_related("case", "from_organization", "to_organization", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such transfer")
    return found


def _members(org_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organization_id=org_id, is_active=True, role__in=roles_with(Right.TRANSFER_CASES)
        )
    )


def _params(t: Transfer) -> dict[str, str]:
    # Reference and organisations only: notifications go by email.
    return {
        "reference": t.case.reference,
        "from_org": t.from_organization.name,
        "to_org": t.to_organization.name,
    }


def _link(t: Transfer) -> str:
    return reverse("reintegration:transfer", args=[t.pk])


def _check_consent(case: Case, to_organization: Organization) -> None:
    missing = missing_consents(case, required_consents(to_organization))
    if missing:
        labels = ", ".join(str(ConsentPurpose(p).label) for p in missing)
        raise ValidationError(
            _(
                "The person has not consented to: %(purposes)s. The case cannot be handed to "
                "%(org)s."
            )
            % {"purposes": labels, "org": to_organization.name},
            code="consent_required",
        )


def _lock_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("owner_organization")
        .get(pk=case_id)
    )


@transaction.atomic
def transfer_request(
    *, case: Case, by: User, to_organization: Organization, reason: str, keep_read: bool = False
) -> Transfer:
    access.require(by, case, access.VIEW)
    if not has_right(by, Right.TRANSFER_CASES) or by.organization_id != case.owner_organization_id:
        raise PermissionDenied
    case = _lock_case(case.pk)
    if to_organization.pk == case.owner_organization_id:
        raise ValidationError({"to_organization": _("The case already belongs to it.")})
    if not to_organization.is_active:
        raise ValidationError({"to_organization": _("This organisation is not active.")})
    _check_consent(case, to_organization)
    if Transfer.objects.filter(case=case, status=TransferStatus.PENDING).exists():
        raise ValidationError(PENDING_EXISTS, code="pending_exists")
    transfer = Transfer(
        case=case,
        from_organization=case.owner_organization,
        to_organization=to_organization,
        reason=reason.strip(),
        keep_read=keep_read,
        requested_by=by,
    )
    transfer.full_clean(exclude=["case", "requested_by"])
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:  # the partial unique constraint: one pending transfer a case
        raise ValidationError(PENDING_EXISTS, code="pending_exists") from None
    timeline.record(
        case=case, kind="transfer_requested", actor=by, data={"to_org": to_organization.name}
    )
    audit_record(
        action=AuditAction.CHANGED, actor=by, target=case, detail={"transfer": transfer.pk}
    )
    notify(
        recipients=_members(to_organization.pk),
        kind="transfer_received",
        message=_("%(from_org)s asks you to take over case %(reference)s"),
        params=_params(transfer),
        link=_link(transfer),
    )
    return transfer


def _locked(transfer: Transfer) -> tuple[Transfer, Case]:
    case = _lock_case(transfer.case_id)
    t = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("case", "from_organization", "to_organization")
        .get(pk=transfer.pk)
    )
    if t.status != TransferStatus.PENDING:
        raise ValidationError(
            _("This transfer is %(status)s: it cannot change.") % {"status": t.get_status_display()}
        )
    return t, case


def _answer(t: Transfer, by: User, status: str) -> None:
    t.status = status
    t.answered_by = by
    t.answered_at = timezone.now()


def require_receiver(by: User, t: Transfer) -> None:
    if not has_right(by, Right.TRANSFER_CASES) or by.organization_id != t.to_organization_id:
        raise PermissionDenied


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by: User) -> Transfer:
    """The receiver takes the case: it becomes the owner with every permission; the old owner
    keeps view and view identity only if the request said so. The reference stays."""
    require_receiver(by, transfer)
    t, case = _locked(transfer)
    _check_consent(case, t.to_organization)  # withdrawn since the request?
    old = case.owner_organization
    case._history_user = by  # type: ignore[attr-defined]  # change history: the owner
    granted, removed = access.transfer_ownership(case, t.to_organization, keep_read=t.keep_read)
    # Referrals to the new owner granted what ownership now holds: ending them takes nothing.
    Referral.objects.filter(case=case, to_organization=t.to_organization).update(granted_perms=[])
    # Follow-ups the old owner was to do pass to the new one, unless the old one keeps access.
    if not t.keep_read:
        FollowUp.objects.filter(
            case=case, assigned_organization=old, recorded_at__isnull=True
        ).update(assigned_organization=t.to_organization)
    _answer(t, by, TransferStatus.ACCEPTED)
    t.save(update_fields=["status", "answered_by", "answered_at"])
    timeline.record(
        case=case,
        kind="case_transferred",
        actor=by,
        data={"from_org": old.name, "to_org": t.to_organization.name},
    )
    for action, org, perms in (
        (AuditAction.GRANTED, t.to_organization, granted),
        (AuditAction.REVOKED, old, removed),
    ):
        audit_record(
            action=action,
            actor=by,
            target=case,
            detail={"transfer": t.pk, "organization": org.pk, "perms": sorted(perms)},
        )
    notify(
        recipients=_members(old.pk) + [t.requested_by],
        kind="transfer_accepted",
        message=_("%(to_org)s accepted case %(reference)s: it is theirs now"),
        params=_params(t),
        link=_link(t),
    )
    notify(
        recipients=[u for u in _members(t.to_organization_id) if u.pk != by.pk],
        kind="transfer_accepted",
        message=_("Case %(reference)s from %(from_org)s is now your organisation's"),
        params=_params(t),
        link=case.get_absolute_url(),
    )
    return t


@transaction.atomic
def transfer_decline(*, transfer: Transfer, by: User, reason: str) -> Transfer:
    require_receiver(by, transfer)
    t, case = _locked(transfer)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"decline_reason": _("Say why you decline.")})
    _answer(t, by, TransferStatus.DECLINED)
    t.decline_reason = reason
    t.full_clean(exclude=["case", "requested_by"])
    t.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
    timeline.record(
        case=case, kind="transfer_declined", actor=by, data={"to_org": t.to_organization.name}
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"transfer": t.pk})
    notify(
        recipients=_members(t.from_organization_id) + [t.requested_by],
        kind="transfer_declined",
        message=_("%(to_org)s declined to take over case %(reference)s"),
        params=_params(t),
        link=_link(t),
    )
    return t


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by: User) -> Transfer:
    if (
        not has_right(by, Right.TRANSFER_CASES)
        or by.organization_id != transfer.from_organization_id
    ):
        raise PermissionDenied
    t, case = _locked(transfer)
    _answer(t, by, TransferStatus.CANCELLED)
    t.save(update_fields=["status", "answered_by", "answered_at"])
    timeline.record(
        case=case, kind="transfer_cancelled", actor=by, data={"to_org": t.to_organization.name}
    )
    audit_record(action=AuditAction.CHANGED, actor=by, target=case, detail={"transfer": t.pk})
    notify(
        recipients=_members(t.to_organization_id),
        kind="transfer_cancelled",
        message=_("%(from_org)s withdrew the transfer of case %(reference)s"),
        params=_params(t),
        link=_link(t),
    )
    return t


def may_request(user: User, case: Case) -> bool:
    return (
        has_right(user, Right.TRANSFER_CASES) and user.organization_id == case.owner_organization_id
    )
