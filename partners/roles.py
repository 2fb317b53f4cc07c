"""What each role may do: on a case its organisation holds, and beyond cases.

Case permissions: effective permission = the role allows it AND the organisation holds it on
the case (cases/access.py combines the two; this module only answers the first half).

Rights that are not case permissions (``Right``, ``ROLE_RIGHTS``, ``has_right``): what a role
may do in its own organisation whatever the case: referrals, the audit log, the dashboard, user
management. This is the one table of them; nothing else compares roles to decide a right.
This module imports no other app, so any app (audit too) may ask it.
"""

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    LIAISON = "liaison", _("Liaison")
    COORDINATOR = "coordinator", _("Coordinator")
    ORG_ADMIN = "org_admin", _("Organisation admin")


# Case permission codenames (declared on cases.Case.Meta.permissions).
VIEW = "view_case"
VIEW_IDENTITY = "view_case_identity"
CHANGE = "change_case"
REFER = "refer_case"
EXPORT = "export_case"
ASSIGN = "assign_case"
UPDATE_REPATRIATION = "update_repatriation"
# Record services delivered, needs and follow-ups (reintegration): the owner, and a provider
# once an accepted referral for a service grants it (referrals.services.SERVICE_PERMS).
RECORD_SERVICES = "record_services"

ALL_CASE_PERMS = (
    VIEW,
    VIEW_IDENTITY,
    CHANGE,
    REFER,
    EXPORT,
    ASSIGN,
    UPDATE_REPATRIATION,
    RECORD_SERVICES,
)

# What a permission lets an organisation do, for people (timeline, referral pages).
PERM_LABELS = {
    VIEW: _("see the case"),
    VIEW_IDENTITY: _("see who the person is"),
    CHANGE: _("edit the case"),
    REFER: _("refer the case"),
    EXPORT: _("export summaries"),
    ASSIGN: _("assign the case"),
    UPDATE_REPATRIATION: _("update the repatriation"),
    RECORD_SERVICES: _("record services and follow-ups"),
}

_CASEWORKER = frozenset({VIEW, VIEW_IDENTITY, CHANGE, REFER, RECORD_SERVICES})
ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: _CASEWORKER,
    Role.LIAISON: frozenset({VIEW, VIEW_IDENTITY, UPDATE_REPATRIATION}),
    Role.COORDINATOR: _CASEWORKER | {EXPORT, ASSIGN, UPDATE_REPATRIATION},
    # Org admins manage people, not cases.
    Role.ORG_ADMIN: frozenset(),
}


def role_allows(role: str, perm: str) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())


class Right(StrEnum):
    """What a member of an organisation may do beyond a case's permissions. Never shown to
    people (no labels to translate): the pages say what they allow in their own words."""

    # See and act on the referrals the organisation sent or received (referrals.access), and
    # be told of those it received.
    USE_REFERRALS = "use_referrals"
    # Refer without a recorded consent, giving the reason (the person's safety).
    OVERRIDE_CONSENT = "override_consent"
    # Be told when a referral the organisation sent is accepted, declined, completed or overdue.
    HEAR_OF_SENT_REFERRALS = "hear_of_sent_referrals"
    # Be told when a consent is withdrawn on a case the organisation holds as a partner.
    HEAR_OF_WITHDRAWN_CONSENT = "hear_of_withdrawn_consent"
    # Be chosen as the person assigned to a case of the organisation.
    BE_ASSIGNED_CASES = "be_assigned_cases"
    # Anonymise a case of the organisation now (the right to erasure; cases.retention).
    ERASE_CASES = "erase_cases"
    # The dashboard of the organisation's caseload, and the de-identified CTDC export.
    SEE_DASHBOARD = "see_dashboard"
    EXPORT_CTDC = "export_ctdc"
    # "My repatriations" in the navigation (the page itself lists what the user may see).
    SEE_MY_REPATRIATIONS = "see_my_repatriations"
    # The organisation's route templates of repatriation steps.
    MANAGE_ROUTE_TEMPLATES = "manage_route_templates"
    # Record the trafficking status from a screening interview (identification.services):
    # the interview informs, a coordinator of the deciding organisation decides.
    DECIDE_IDENTIFICATION = "decide_identification"
    # Read the organisation's audit log.
    READ_AUDIT_LOG = "read_audit_log"
    # Invite, change and deactivate the organisation's users.
    MANAGE_USERS = "manage_users"
    # Hand a case the organisation owns to another organisation, and accept or decline a
    # case handed to it (reintegration/transfers.py).
    TRANSFER_CASES = "transfer_cases"
    # Publish what the organisation offers in the service directory, and its free beds.
    MANAGE_SERVICE_OFFERS = "manage_service_offers"
    # See and revoke the API tokens of the organisation's users (everyone has their own).
    MANAGE_API_TOKENS = "manage_api_tokens"


_CASE_WORK = frozenset({Right.USE_REFERRALS, Right.HEAR_OF_WITHDRAWN_CONSENT})
ROLE_RIGHTS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: _CASE_WORK | {Right.BE_ASSIGNED_CASES},
    Role.LIAISON: _CASE_WORK | {Right.SEE_MY_REPATRIATIONS},
    Role.COORDINATOR: _CASE_WORK
    | {
        Right.BE_ASSIGNED_CASES,
        Right.OVERRIDE_CONSENT,
        Right.HEAR_OF_SENT_REFERRALS,
        Right.ERASE_CASES,
        Right.SEE_DASHBOARD,
        Right.EXPORT_CTDC,
        Right.SEE_MY_REPATRIATIONS,
        Right.DECIDE_IDENTIFICATION,
        Right.READ_AUDIT_LOG,
        Right.TRANSFER_CASES,
        Right.MANAGE_SERVICE_OFFERS,
    },
    Role.ORG_ADMIN: frozenset(
        {
            Right.MANAGE_ROUTE_TEMPLATES,
            Right.READ_AUDIT_LOG,
            Right.MANAGE_USERS,
            Right.MANAGE_API_TOKENS,
            Right.MANAGE_SERVICE_OFFERS,
        }
    ),
}


def has_right(user: Any, right: str) -> bool:
    """Whether ``user`` has ``right``: an authenticated, active member of an organisation
    whose role's rights contain it. Anonymous users, deactivated users and users of no
    organisation (platform staff and superusers) have none."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "organization_id", None) is not None
        and right in ROLE_RIGHTS.get(user.role, frozenset())
    )


def roles_with(right: str) -> list[str]:
    """The roles that have ``right``, in declaration order: for filtering users in the
    database (who is told of something). Callers still require active members."""
    return [role for role in Role.values if right in ROLE_RIGHTS.get(role, frozenset())]
