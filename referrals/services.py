"""Writes on referrals. Each transition locks the referral row, checks who may make it,
changes access only through cases.access, and records a timeline entry, an audit event and
the notifications (written in this transaction; emailed after commit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases import access, timeline
from cases.consent import missing_consents, withdrawn_consents
from cases.models import Case
from cases.vocab import ConsentPurpose
from notifications.services import notify
from partners.models import Organization, User
from partners.roles import Right, has_right

from . import notices
from .access import is_receiver, is_sender
from .models import Referral, ReferralService, ReferralStatus, response_deadline

# The periodic reminders live with the other notices (referrals/notices.py).
referral_reminders_send = notices.referral_reminders_send

READ_ONLY = frozenset({access.VIEW, access.VIEW_IDENTITY})
PROVIDES = READ_ONLY | {access.RECORD_SERVICES}

# What accepting a referral grants the receiving organisation, by service.
SERVICE_PERMS: dict[str, frozenset[str]] = {
    ReferralService.REPATRIATION: frozenset(
        {access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION}
    ),
    # A provider of a service records what it delivered (reintegration service records).
    ReferralService.SHELTER: PROVIDES,
    ReferralService.MEDICAL: PROVIDES,
    ReferralService.LEGAL: PROVIDES,
    ReferralService.PSYCHOSOCIAL: PROVIDES,
    ReferralService.FAMILY_TRACING: PROVIDES,
    ReferralService.JOB_TRAINING: PROVIDES,
    ReferralService.LIVELIHOOD: PROVIDES,
    ReferralService.LAW_ENFORCEMENT: frozenset({access.VIEW}),
    ReferralService.OTHER: frozenset({access.VIEW}),
}


class ConsentWithdrawn(ValidationError):
    """The person withdrew a consent the referral needs: no one may override that."""

    def __init__(self, withdrawn: list[str]):
        self.withdrawn = withdrawn
        labels = ", ".join(str(ConsentPurpose(p).label) for p in withdrawn)
        super().__init__(
            _(
                "The person withdrew their consent to: %(purposes)s. The case cannot be "
                "referred for this."
            )
            % {"purposes": labels},
            code="consent_withdrawn",
        )


class ConsentRequired(ValidationError):
    """The person has not consented to what the referral would share."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        labels = ", ".join(str(ConsentPurpose(p).label) for p in missing)
        super().__init__(
            _("The person has not consented to: %(purposes)s.") % {"purposes": labels},
            code="consent_required",
        )


def required_consents(to_organization: Organization) -> list[str]:
    """Sharing with partners always; contact with the embassy too when the receiver is one
    (a person may refuse that their home country be told)."""
    purposes = [ConsentPurpose.SHARE_WITH_PARTNERS.value]
    if to_organization.is_embassy:
        purposes.append(ConsentPurpose.EMBASSY_CONTACT.value)
    return purposes


def _locked(referral: Referral | int) -> Referral:
    """The referral, locked. The case row is locked first, by every transition and by
    referral_create, so that transitions touching several referrals of one case (cancel
    hands grants to the others) run one after another instead of deadlocking."""
    pk = referral if isinstance(referral, int) else referral.pk
    case_id = Referral.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Referral.DoesNotExist
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "from_organization", "to_organization", "created_by")
        .get(pk=pk)
    )


def _transition(referral: Referral, allowed_from: Iterable[str], to: str) -> None:
    if referral.status not in allowed_from:
        raise ValidationError(
            _("This referral is %(status)s and cannot become %(new)s.")
            % {"status": referral.get_status_display(), "new": ReferralStatus(to).label},
            code="bad_transition",
        )
    referral.status = to


def _retained_by_others(referral: Referral) -> dict[str, Referral]:
    """Permissions on the case that other referrals to the same organisation still need,
    mapped to one referral needing each (which then owns the grant)."""
    others = Referral.objects.filter(
        case_id=referral.case_id,
        to_organization_id=referral.to_organization_id,
        status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
    ).exclude(pk=referral.pk)
    needed: dict[str, Referral] = {}
    for other in others.select_for_update().order_by("created_at", "pk"):
        perms = SERVICE_PERMS[other.service]
        if other.status == ReferralStatus.COMPLETED:
            perms = perms & READ_ONLY
        for p in perms:
            needed.setdefault(p, other)
    return needed


def _release(
    referral: Referral, perms: Iterable[str], *, by: User, request: HttpRequest | None
) -> frozenset[str]:
    """Take back ``perms`` (a subset of what this referral granted), except those another
    referral to the same organisation still needs: those pass to that referral."""
    perms = frozenset(perms) & frozenset(referral.granted_perms)
    needed = _retained_by_others(referral)
    handed: dict[int, set[str]] = {}
    for p in perms & needed.keys():
        handed.setdefault(needed[p].pk, set()).add(p)
    for pk, passed in handed.items():
        other = Referral.objects.get(pk=pk)
        other.granted_perms = sorted(set(other.granted_perms) | passed)
        other._history_user = by  # type: ignore[attr-defined]  # change history
        other.save(update_fields=["granted_perms"])
    to_revoke = perms - needed.keys()
    removed = access.revoke(referral.case, referral.to_organization, to_revoke)
    referral.granted_perms = sorted(frozenset(referral.granted_perms) - perms)
    if removed:
        timeline.record(
            case=referral.case,
            kind="access_revoked",
            actor=by,
            data={
                "organization": referral.to_organization.name,
                "perms": sorted(removed),  # codes: shown in words
            },
        )
        audit_record(
            action=AuditAction.REVOKED,
            actor=by,
            target=referral.case,
            request=request,
            detail={
                "organization": referral.to_organization.code,
                "perms": sorted(removed),
                "referral": referral.pk,
            },
        )
    return removed


def _audit(referral: Referral, by: User, request, transition: str, **detail) -> None:
    audit_record(
        action=AuditAction.REFERRAL,
        actor=by,
        target=referral.case,
        request=request,
        detail={
            "referral": referral.pk,
            "transition": transition,
            "to": referral.to_organization.code,
            "from": referral.from_organization.code,
            "service": referral.service,
            **detail,
        },
    )


def _timeline(referral: Referral, kind: str, by: User, **extra) -> None:
    timeline.record(
        case=referral.case,
        kind=kind,
        actor=by,
        data={
            "service": referral.service,  # a code: cases/timeline.py shows its label
            "from_org": referral.from_organization.name,
            "to_org": referral.to_organization.name,
            **extra,
        },
    )


def referral_create_from_form(
    *, by: User, case: Case, cleaned_data: Mapping[str, Any], request: HttpRequest | None = None
) -> Referral:
    """The referral a valid ``ReferralForm`` describes: the page and the API both send one.

    A reason to refer without consent counts only from a role with OVERRIDE_CONSENT (the form
    offers the field to no one else): anyone else's is ignored; the answer is what is missing."""
    return referral_create(
        by=by,
        case=case,
        to_organization=cleaned_data["to_organization"],
        service=cleaned_data["service"],
        urgency=cleaned_data["urgency"],
        message=cleaned_data["message"],
        override_reason=(
            cleaned_data["override_reason"] if has_right(by, Right.OVERRIDE_CONSENT) else ""
        ),
        request=request,
    )


@transaction.atomic
def referral_create(
    *,
    by: User,
    case: Case,
    to_organization: Organization,
    service: str,
    urgency: str,
    message: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer ``case`` to ``to_organization``.

    Preconditions: ``by`` holds refer_case on the case (checked again here); the receiver is
    another active organisation with no pending referral on this case; the person consented
    (ConsentRequired otherwise) unless a coordinator gives ``override_reason``; a consent
    the person withdrew cannot be overridden (ConsentWithdrawn)."""
    # Lock the case so that two referrals to one organisation cannot race past the check.
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    access.require(by, case, access.REFER)
    if service not in ReferralService.values:
        raise ValidationError({"service": _("Choose a service.")})
    if not to_organization.is_active or to_organization.pk in (
        by.organization_id,
        case.owner_organization_id,
    ):
        raise ValidationError(
            {"to_organization": _("Choose another active organisation.")},
        )
    if Referral.objects.filter(
        case=case, to_organization=to_organization, status=ReferralStatus.PENDING
    ).exists():
        raise ValidationError(
            {
                "to_organization": _(
                    "%(org)s already has a pending referral for this case. Wait for their "
                    "answer or cancel that referral first."
                )
                % {"org": to_organization.name}
            },
            code="duplicate",
        )
    # A withdrawal takes effect at once and is final for this purpose: no override.
    withdrawn = withdrawn_consents(case, required_consents(to_organization))
    if withdrawn:
        raise ConsentWithdrawn(withdrawn)
    missing = missing_consents(case, required_consents(to_organization))
    override_reason = override_reason.strip()
    if missing:
        if not override_reason:
            raise ConsentRequired(missing)
        if not has_right(by, Right.OVERRIDE_CONSENT):
            raise PermissionDenied("Only a coordinator may override a missing consent.")
    assert by.organization is not None
    referral = Referral(
        case=case,
        from_organization=by.organization,
        to_organization=to_organization,
        service=service,
        urgency=urgency,
        message=message.strip(),
        respond_by=response_deadline(urgency),
        created_by=by,
        consent_override_reason=override_reason if missing else "",
    )
    try:
        with transaction.atomic():
            referral._history_user = by  # type: ignore[attr-defined]  # change history
            referral.save()
    except IntegrityError:
        raise ValidationError(
            {"to_organization": _("This organisation already has a pending referral.")}
        ) from None
    if missing:
        timeline.record(
            case=case,
            kind="referral_consent_override",
            actor=by,
            data={"purposes": list(missing), "to_org": to_organization.name},
        )
        audit_record(
            action=AuditAction.CONSENT_OVERRIDE,
            actor=by,
            target=case,
            request=request,
            detail={"referral": referral.pk, "missing": missing, "reason": override_reason},
        )
    _timeline(referral, "referral_sent", by)
    _audit(referral, by, request, "sent", consent_override=bool(missing))
    notify(
        recipients=notices.receivers(referral),
        kind="referral_received",
        message=_("New %(service)s referral %(reference)s from %(from_org)s"),
        params=notices.params(referral),
        link=notices.link(referral),
    )
    return referral


# Each step of a referral: from which states, and which party may take it. The referral
# page's buttons (allowed_steps) and the services' own checks below follow this one table.
STEPS_FROM: dict[str, tuple[str, ...]] = {
    "accept": (ReferralStatus.PENDING,),
    "decline": (ReferralStatus.PENDING,),
    "complete": (ReferralStatus.ACCEPTED,),
    "cancel": (ReferralStatus.PENDING, ReferralStatus.ACCEPTED),
}


def _may_send_side(by: User, referral: Referral) -> bool:
    return is_sender(by, referral) and access.user_can(by, referral.case, access.REFER)


def _party_may(by: User, referral: Referral, step: str) -> bool:
    if step in ("accept", "decline"):  # the receiving organisation answers
        return is_receiver(by, referral)
    if step == "complete":  # either side says the service was delivered
        return is_receiver(by, referral) or _may_send_side(by, referral)
    return _may_send_side(by, referral)  # cancel: the sender withdraws


def require_party(by: User, referral: Referral, step: str) -> None:
    """PermissionDenied unless ``by``'s side may take ``step`` (whatever the state): checked
    by each step's service, and first by callers that read a body (403 before the content)."""
    if not _party_may(by, referral, step):
        raise PermissionDenied


def allowed_steps(by: User, referral: Referral) -> frozenset[str]:
    """The steps ``by`` may take on ``referral`` now (the page shows their buttons)."""
    return frozenset(
        step
        for step, states in STEPS_FROM.items()
        if referral.status in states and _party_may(by, referral, step)
    )


@transaction.atomic
def referral_accept(
    *, by: User, referral: Referral | int, request: HttpRequest | None = None
) -> Referral:
    """The receiving organisation accepts: it is granted what the service needs."""
    referral = _locked(referral)
    require_party(by, referral, "accept")
    _transition(referral, STEPS_FROM["accept"], ReferralStatus.ACCEPTED)
    new = access.grant(referral.case, referral.to_organization, SERVICE_PERMS[referral.service])
    referral.granted_perms = sorted(new)
    referral.responded_by = by
    referral.responded_at = timezone.now()
    referral._history_user = by  # type: ignore[attr-defined]  # change history
    referral.save()
    _timeline(referral, "referral_accepted", by)
    _audit(referral, by, request, "accepted", granted=sorted(new))
    if new:
        timeline.record(
            case=referral.case,
            kind="access_granted",
            actor=by,
            data={"organization": referral.to_organization.name, "perms": sorted(new)},
        )
        audit_record(
            action=AuditAction.GRANTED,
            actor=by,
            target=referral.case,
            request=request,
            detail={
                "organization": referral.to_organization.code,
                "perms": sorted(new),
                "referral": referral.pk,
            },
        )
    notify(
        recipients=notices.sender_side(referral),
        kind="referral_accepted",
        message=_("%(to_org)s accepted the %(service)s referral %(reference)s"),
        params=notices.params(referral),
        link=notices.link(referral),
    )
    return referral


@transaction.atomic
def referral_decline(
    *, by: User, referral: Referral | int, reason: str, request: HttpRequest | None = None
) -> Referral:
    """The receiving organisation declines, with a reason. Nothing is granted."""
    referral = _locked(referral)
    require_party(by, referral, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline this referral.")})
    _transition(referral, STEPS_FROM["decline"], ReferralStatus.DECLINED)
    _release(referral, referral.granted_perms, by=by, request=request)
    referral.decline_reason = reason
    referral.responded_by = by
    referral.responded_at = timezone.now()
    referral._history_user = by  # type: ignore[attr-defined]  # change history
    referral.save()
    _timeline(referral, "referral_declined", by)
    _audit(referral, by, request, "declined")
    notify(
        recipients=notices.sender_side(referral),
        kind="referral_declined",
        message=_("%(to_org)s declined the %(service)s referral %(reference)s"),
        params=notices.params(referral),
        link=notices.link(referral),
    )
    return referral


@transaction.atomic
def referral_complete(
    *, by: User, referral: Referral | int, request: HttpRequest | None = None
) -> Referral:
    """The service was delivered: the receiver keeps read-only access (view, identity)."""
    referral = _locked(referral)
    require_party(by, referral, "complete")
    _transition(referral, STEPS_FROM["complete"], ReferralStatus.COMPLETED)
    _release(referral, frozenset(referral.granted_perms) - READ_ONLY, by=by, request=request)
    referral.closed_by = by
    referral.closed_at = timezone.now()
    referral._history_user = by  # type: ignore[attr-defined]  # change history
    referral.save()
    _timeline(referral, "referral_completed", by)
    _audit(referral, by, request, "completed")
    recipients = (
        notices.sender_side(referral) if is_receiver(by, referral) else notices.receivers(referral)
    )
    notify(
        recipients=recipients,
        kind="referral_completed",
        message=_("The %(service)s referral %(reference)s to %(to_org)s was completed"),
        params=notices.params(referral),
        link=notices.link(referral),
    )
    return referral


@transaction.atomic
def referral_cancel(
    *, by: User, referral: Referral | int, request: HttpRequest | None = None
) -> Referral:
    """The sender withdraws a pending or accepted referral; its grants are revoked except
    those another referral to the same organisation still needs."""
    referral = _locked(referral)
    require_party(by, referral, "cancel")
    was_accepted = referral.status == ReferralStatus.ACCEPTED
    _transition(referral, STEPS_FROM["cancel"], ReferralStatus.CANCELLED)
    _release(referral, referral.granted_perms, by=by, request=request)
    referral.closed_by = by
    referral.closed_at = timezone.now()
    referral._history_user = by  # type: ignore[attr-defined]  # change history
    referral.save()
    _timeline(referral, "referral_cancelled", by)
    _audit(referral, by, request, "cancelled", was_accepted=was_accepted)
    notify(
        recipients=notices.receivers(referral),
        kind="referral_cancelled",
        message=_("%(from_org)s cancelled the %(service)s referral %(reference)s"),
        params=notices.params(referral),
        link=notices.link(referral),
    )
    return referral
