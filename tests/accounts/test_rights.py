"""The rights that are not case permissions (partners.roles.Right): one table, one predicate.

The expectations are written out here, as the product promises them, not read from
ROLE_RIGHTS: a change to the table has to change this page too.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from partners.roles import Right, Role, has_right, roles_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CW, LI, CO, OA = Role.CASEWORKER, Role.LIAISON, Role.COORDINATOR, Role.ORG_ADMIN

# right: the roles that have it. Everyone else, and every role not named, has it not.
PROMISED: dict[str, set[str]] = {
    Right.USE_REFERRALS: {CW, LI, CO},
    Right.HEAR_OF_WITHDRAWN_CONSENT: {CW, LI, CO},
    Right.BE_ASSIGNED_CASES: {CW, CO},
    Right.OVERRIDE_CONSENT: {CO},
    Right.HEAR_OF_SENT_REFERRALS: {CO},
    Right.ERASE_CASES: {CO},
    Right.SEE_DASHBOARD: {CO},
    Right.EXPORT_CTDC: {CO},
    Right.SEE_MY_REPATRIATIONS: {LI, CO},
    Right.MANAGE_ROUTE_TEMPLATES: {OA},
    Right.DECIDE_IDENTIFICATION: {CO},
    Right.READ_AUDIT_LOG: {CO, OA},
    Right.MANAGE_USERS: {OA},
    Right.MANAGE_API_TOKENS: {OA},
    Right.TRANSFER_CASES: {CO},
    Right.MANAGE_SERVICE_OFFERS: {CO, OA},
}

PAIRS = [(role, right) for right in Right for role in Role]


def test_every_right_is_promised_here():
    assert set(PROMISED) == set(Right)


@pytest.mark.parametrize(("role", "right"), PAIRS, ids=[f"{ro}-{ri}" for ro, ri in PAIRS])
def test_role_has_right_as_promised(org, role, right):
    user = UserFactory(username=f"u-{role}", organization=org, role=role)
    assert has_right(user, right) is (role in PROMISED[right])


@pytest.mark.parametrize("right", list(Right))
def test_roles_with_lists_the_holders_for_database_filters(right):
    assert set(roles_with(right)) == PROMISED[right]


@pytest.mark.parametrize("role", list(Role))
def test_a_deactivated_user_has_no_right(org, role):
    user = UserFactory(username=f"gone-{role}", organization=org, role=role, is_active=False)
    assert not any(has_right(user, right) for right in Right)


@pytest.mark.parametrize("role", list(Role))
def test_a_user_of_no_organisation_has_no_right(role):
    """Platform staff and superusers have no organisation: whatever role field they carry,
    they have none of an organisation's rights."""
    user = UserFactory(
        username=f"platform-{role}",
        organization=None,
        role=role,
        is_staff=True,
        is_superuser=True,
    )
    assert not any(has_right(user, right) for right in Right)


def test_no_role_and_anonymous_have_no_right(org):
    roleless = UserFactory(username="roleless", organization=org, role="")
    assert not any(has_right(roleless, right) for right in Right)
    assert not any(has_right(AnonymousUser(), right) for right in Right)


# Navigation items that follow a right (other items are shown to everyone logged in).
NAV_RIGHTS = {
    "referrals": Right.USE_REFERRALS,
    "repatriation": Right.SEE_MY_REPATRIATIONS,
    "repatriation_templates": Right.MANAGE_ROUTE_TEMPLATES,
    "reports": Right.SEE_DASHBOARD,
    "audit": Right.READ_AUDIT_LOG,
    "org_users": Right.MANAGE_USERS,
}


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_shows_what_the_role_may_use(client, org, role):
    user = UserFactory(username=f"nav-{role}", organization=org, role=role)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    shown = {item["key"] for item in response.context["nav_items"]}
    expected = {key for key, right in NAV_RIGHTS.items() if role in PROMISED[right]}
    assert shown & set(NAV_RIGHTS) == expected
