"""What each role may do on a case its organisation holds.

Effective permission = the role allows it AND the organisation holds it on the case
(cases/access.py combines the two; this module only answers the first half).
"""

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

ALL_CASE_PERMS = (VIEW, VIEW_IDENTITY, CHANGE, REFER, EXPORT, ASSIGN, UPDATE_REPATRIATION)

# What a permission lets an organisation do, for people (timeline, referral pages).
PERM_LABELS = {
    VIEW: _("see the case"),
    VIEW_IDENTITY: _("see who the person is"),
    CHANGE: _("edit the case"),
    REFER: _("refer the case"),
    EXPORT: _("export summaries"),
    ASSIGN: _("assign the case"),
    UPDATE_REPATRIATION: _("update the repatriation"),
}

_CASEWORKER = frozenset({VIEW, VIEW_IDENTITY, CHANGE, REFER})
ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: _CASEWORKER,
    Role.LIAISON: frozenset({VIEW, VIEW_IDENTITY, UPDATE_REPATRIATION}),
    Role.COORDINATOR: _CASEWORKER | {EXPORT, ASSIGN, UPDATE_REPATRIATION},
    # Org admins manage people, not cases.
    Role.ORG_ADMIN: frozenset(),
}


def role_allows(role: str, perm: str) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())
