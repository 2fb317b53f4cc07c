"""The one door to every case.

Every view, API endpoint, htmx fragment, task and export that touches a case goes through
this module; nothing else writes a permission query.

A user may do X to a case when
  1. their role allows X (partners.roles), and
  2. their organisation holds X on the case: a django-guardian object permission granted to
     the organisation's group, stored in the direct foreign-key table
     ``CaseGroupObjectPermission``.
The owner organisation holds every permission from the moment the case is created
(``grant_owner``); partners receive grants when they accept a referral and lose them when it
ends (``grant`` / ``revoke``).

"Not found" and "not allowed to see" are the same answer (404), so that references do not
leak. A user who may see a case but not do a particular thing to it gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from partners.models import Organization, User
from partners.roles import (
    ALL_CASE_PERMS,
    ASSIGN,
    CHANGE,
    EXPORT,
    RECORD_SERVICES,
    REFER,
    UPDATE_REPATRIATION,
    VIEW,
    VIEW_IDENTITY,
)

from .models import Case, CaseGroupObjectPermission

__all__ = [
    "ALL_CASE_PERMS",
    "ASSIGN",
    "CHANGE",
    "EXPORT",
    "RECORD_SERVICES",
    "REFER",
    "UPDATE_REPATRIATION",
    "VIEW",
    "VIEW_IDENTITY",
    "case_for",
    "cases_visible_to",
    "grant",
    "grant_owner",
    "may_log_calls",
    "may_search_identity",
    "org_perms",
    "perms_for",
    "require",
    "revoke",
    "transfer_ownership",
    "user_can",
]


AnyUser = User | AnonymousUser


def _member(user: AnyUser) -> User | None:
    """The user if they are an active, logged-in member of an organisation, else None."""
    if isinstance(user, User) and user.is_active and user.organization_id is not None:
        return user
    return None


def _check_perm(perm: str) -> None:
    if perm not in ALL_CASE_PERMS:
        raise ValueError(f"Unknown case permission: {perm!r}")


def _perm_id(perm: str) -> Subquery:
    """The permission's id as an uncorrelated scalar subquery: PostgreSQL evaluates it once
    (an InitPlan), so the grant lookup below is a plain index probe on
    (group_id, permission_id, content_object_id) with no join per case."""
    return Subquery(
        Permission.objects.filter(codename=perm, content_type__app_label="cases").values("id")[:1]
    )


def _group_id(organization_id: int) -> Subquery:
    return Subquery(Organization.objects.filter(pk=organization_id).values("group_id")[:1])


def _held(organization_id: int, perm: str) -> QuerySet[CaseGroupObjectPermission]:
    """Grants of ``perm`` held by the organisation, correlated to the outer case."""
    return CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group_id=_group_id(organization_id),
        permission_id=_perm_id(perm),
    )


def cases_visible_to(user: AnyUser, perm: str = VIEW) -> QuerySet[Case]:
    """The cases on which ``user`` may do ``perm``, filtered in the database.

    Each row is annotated with ``can_view_identity`` so that a list can redact per row
    without a query per row."""
    _check_perm(perm)
    member = _member(user)
    if member is None or not member.role_allows(perm):
        return Case.objects.none()
    org_id = member.organization_id
    assert org_id is not None  # _member() guarantees it
    qs = Case.objects.filter(Exists(_held(org_id, perm)))
    if member.role_allows(VIEW_IDENTITY):
        qs = qs.annotate(can_view_identity=Exists(_held(org_id, VIEW_IDENTITY)))
    else:
        qs = qs.annotate(can_view_identity=Value(False))
    return qs


def org_perms(organization: Organization | int | None, case: Case | int) -> frozenset[str]:
    """The permissions an organisation holds on a case (one query)."""
    if organization is None:
        return frozenset()
    org_id = organization if isinstance(organization, int) else organization.pk
    case_id = case if isinstance(case, int) else case.pk
    codenames = CaseGroupObjectPermission.objects.filter(
        content_object_id=case_id,
        group__organization__id=org_id,
        permission__content_type__app_label="cases",
    ).values_list("permission__codename", flat=True)
    return frozenset(codenames)


def perms_for(user: AnyUser, case: Case) -> frozenset[str]:
    """The user's effective permissions on the case: role ∩ organisation's grants.

    Cached on the case instance for the rest of the request."""
    cache = getattr(case, "_perms_cache", None)
    if cache is not None and cache[0] == getattr(user, "pk", None):
        return cache[1]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        perms: frozenset[str] = frozenset()
    else:
        perms = frozenset(p for p in org_perms(user.organization_id, case) if user.role_allows(p))
    case._perms_cache = (getattr(user, "pk", None), perms)  # type: ignore[attr-defined]
    return perms


def user_can(user: AnyUser, case: Case, perm: str) -> bool:
    _check_perm(perm)
    return perm in perms_for(user, case)


def case_for(user: AnyUser, pk: int | str, perm: str = VIEW, *, queryset=None) -> Case:
    """The case ``pk`` if the user may see it, else Http404 (also for a malformed or unknown
    id). If the user may see it but not do ``perm``: PermissionDenied (403)."""
    _check_perm(perm)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such case") from None
    qs = queryset if queryset is not None else Case.objects.all()
    if _member(user) is None:
        raise Http404("No such case")
    try:
        # By primary key alone, then the organisation's grants on that one case (one
        # indexed query, which require() needs anyway): a case without a view grant is a
        # 404 exactly like a missing one. Cheaper than filtering by the whole visible set.
        case = qs.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
    require(user, case, perm)
    return case


def require(user: AnyUser, case: Case, perm: str) -> None:
    """Raise 404 if the user may not see the case at all, 403 if they may see it but not
    do ``perm``."""
    perms = perms_for(user, case)
    if VIEW not in perms:
        raise Http404("No such case")
    if perm not in perms:
        raise PermissionDenied


# --- grants -------------------------------------------------------------------------------


@transaction.atomic
def grant(case: Case, organization: Organization, perms: Iterable[str]) -> frozenset[str]:
    """Grant ``perms`` on ``case`` to the organisation's group; returns what was newly
    granted (already-held permissions are left as they are)."""
    perms = frozenset(perms)
    for p in perms:
        _check_perm(p)
    held = org_perms(organization, case)
    new = perms - held
    for p in sorted(new):
        assign_perm(f"cases.{p}", organization.group, case)
    case.__dict__.pop("_perms_cache", None)
    return new


@transaction.atomic
def revoke(case: Case, organization: Organization, perms: Iterable[str]) -> frozenset[str]:
    """Revoke ``perms`` on ``case`` from the organisation; returns what was removed.

    The owner organisation's permissions are never revoked: a case always has an owner that
    can act on it. (Revoking nothing from it is a no-op: a referral ending after its receiver
    became the owner by a transfer takes back nothing.)"""
    perms = frozenset(perms)
    if organization.pk == case.owner_organization_id:
        if not perms:
            return frozenset()
        raise ValueError("The owner organisation's permissions cannot be revoked")
    for p in perms:
        _check_perm(p)
    removed = perms & org_perms(organization, case)
    for p in sorted(removed):
        remove_perm(f"cases.{p}", organization.group, case)
    case.__dict__.pop("_perms_cache", None)
    return removed


def grant_owner(case: Case) -> None:
    """The owner organisation holds every permission on its case."""
    grant(case, case.owner_organization, ALL_CASE_PERMS)


# What an old owner keeps when a transfer says it keeps read access.
READ_ACCESS = frozenset({VIEW, VIEW_IDENTITY})


@transaction.atomic
def transfer_ownership(
    case: Case, to_organization: Organization, *, keep_read: bool
) -> tuple[frozenset[str], frozenset[str]]:
    """Make ``to_organization`` the owner of ``case``: the one place ownership moves.

    The new owner holds every permission (``grant_owner``); the old owner loses every
    permission, or all but view and view identity when ``keep_read``. The reference does not
    change. Returns (newly granted to the new owner, removed from the old one).

    Precondition: the caller has checked who may transfer and the person's consent, and holds
    the case row locked (``select_for_update``) so that two transfers cannot interleave."""
    old = case.owner_organization
    if to_organization.pk == old.pk:
        raise ValueError("The case already belongs to this organisation")
    case.owner_organization = to_organization
    case.save(update_fields=["owner_organization", "updated_at"])
    granted = grant(case, to_organization, ALL_CASE_PERMS)
    keep = READ_ACCESS if keep_read else frozenset()
    removed = revoke(case, old, frozenset(ALL_CASE_PERMS) - keep)
    case.__dict__.pop("_perms_cache", None)
    return granted, removed


def may_log_calls(user: AnyUser) -> bool:
    """Whether the user may log a distress call and so open cases for their organisation:
    the same role right as changing a case (the new cases are their organisation's)."""
    member = _member(user)
    return member is not None and member.role_allows(CHANGE)


def may_search_identity(user: AnyUser) -> bool:
    """Whether the user's role allows searching by name or phone at all; results are then
    limited to cases where their organisation holds view identity."""
    member = _member(user)
    return member is not None and member.role_allows(VIEW_IDENTITY)
