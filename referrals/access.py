"""Who may see and act on a referral (the referral itself, not the case).

A referral is visible to the members with ``Right.USE_REFERRALS`` (partners.roles: caseworkers,
liaisons, coordinators) of the organisation that sent it and of the one it was sent to.
Everything about the *case* still goes through cases.access: seeing a referral never shows
the person's identity.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from partners.roles import Right, has_right

from .models import Referral


def referrals_visible_to(user) -> QuerySet[Referral]:
    """Referrals the user's organisation sent or received, filtered in the database."""
    if not has_right(user, Right.USE_REFERRALS):
        return Referral.objects.none()
    org_id = user.organization_id
    return Referral.objects.filter(Q(from_organization_id=org_id) | Q(to_organization_id=org_id))


def referral_for(user, pk, *, queryset: QuerySet[Referral] | None = None) -> Referral:
    """The referral ``pk`` if the user may see it, else Http404 (also for a malformed id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such referral") from None
    qs = queryset if queryset is not None else Referral.objects.all()
    visible = referrals_visible_to(user)
    try:
        return qs.filter(pk__in=visible.values("pk")).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


def is_receiver(user, referral: Referral) -> bool:
    return (
        has_right(user, Right.USE_REFERRALS) and user.organization_id == referral.to_organization_id
    )


def is_sender(user, referral: Referral) -> bool:
    return (
        has_right(user, Right.USE_REFERRALS)
        and user.organization_id == referral.from_organization_id
    )
