"""``user.has_perm(perm, case)`` answers role ∩ organisation grant (cases.backends), not the
organisation's group grant alone."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser, Permission

from cases import access
from partners.roles import ALL_CASE_PERMS, ROLE_PERMS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _member(org, role, username=None):
    return UserFactory(username=username or f"{org.code}-{role}", organization=org, role=role)


def test_liaison_of_the_owner_may_view_but_not_change(case_in, org):
    liaison = _member(org, Role.LIAISON)
    # Their organisation's group holds change_case on the case; their role does not allow it.
    assert access.CHANGE in access.org_perms(org, case_in)
    assert liaison.has_perm("cases.view_case", case_in)
    assert not liaison.has_perm("cases.change_case", case_in)


def test_caseworker_of_the_owner_may_change(case_in, caseworker):
    assert caseworker.has_perm("cases.change_case", case_in)
    assert caseworker.has_perm("cases.view_case_identity", case_in)


def test_caseworker_of_another_organisation_may_not_view_an_unshared_case(
    case_in, other_caseworker
):
    assert not other_caseworker.has_perm("cases.view_case", case_in)
    assert not other_caseworker.has_perm("cases.change_case", case_in)


def test_what_another_organisation_was_granted_is_all_its_members_get(case_in, other_org):
    access.grant(case_in, other_org, [access.VIEW, access.REFER])
    coordinator = _member(other_org, Role.COORDINATOR)
    liaison = _member(other_org, Role.LIAISON)
    assert coordinator.has_perm("cases.view_case", case_in)
    assert coordinator.has_perm("cases.refer_case", case_in)
    assert not coordinator.has_perm("cases.change_case", case_in)  # not granted
    assert liaison.has_perm("cases.view_case", case_in)
    assert not liaison.has_perm("cases.refer_case", case_in)  # granted, not the role's


def test_inactive_user_is_refused(case_in, org):
    user = _member(org, Role.COORDINATOR)
    user.is_active = False
    user.save()
    user.refresh_from_db()
    assert not user.has_perm("cases.view_case", case_in)
    assert user.get_all_permissions(case_in) == set()


def test_anonymous_user_is_refused(case_in):
    assert not AnonymousUser().has_perm("cases.view_case", case_in)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("perm", ALL_CASE_PERMS)
def test_every_role_and_permission_on_the_owners_case_follows_the_roles_table(
    case_in, org, role, perm
):
    user = _member(org, role)
    assert user.has_perm(f"cases.{perm}", case_in) is (perm in ROLE_PERMS[role])


@pytest.mark.parametrize(
    ("role", "refer", "update_repatriation"),
    [
        (Role.CASEWORKER, True, False),
        (Role.LIAISON, False, True),
        (Role.COORDINATOR, True, True),
        (Role.ORG_ADMIN, False, False),
    ],
)
def test_refer_and_update_repatriation(case_in, org, role, refer, update_repatriation):
    user = _member(org, role)
    assert user.has_perm("cases.refer_case", case_in) is refer
    assert user.has_perm("cases.update_repatriation", case_in) is update_repatriation


def test_all_permissions_on_a_case_are_the_effective_ones(case_in, org):
    liaison = _member(org, Role.LIAISON)
    assert liaison.get_all_permissions(case_in) == {
        "cases.view_case",
        "cases.view_case_identity",
        "cases.update_repatriation",
    }
    assert liaison.has_perms(["cases.view_case", "cases.update_repatriation"], case_in)
    assert not liaison.has_perms(["cases.view_case", "cases.change_case"], case_in)


def test_async_check_gives_the_same_answer(case_in, org):
    liaison = _member(org, Role.LIAISON)
    assert async_to_sync(liaison.ahas_perm)("cases.view_case", case_in)
    assert not async_to_sync(liaison.ahas_perm)("cases.change_case", case_in)


def test_permission_must_be_named_with_the_cases_app_label(case_in, caseworker):
    assert not caseworker.has_perm("change_case", case_in)
    assert not caseworker.has_perm("partners.change_case", case_in)
    assert not caseworker.has_perm("cases.delete_case", case_in)  # not a case permission


def test_other_objects_hold_no_object_permissions(org, caseworker):
    coordinator = _member(org, Role.COORDINATOR)
    assert not coordinator.has_perm("partners.change_organization", org)
    assert not coordinator.has_perm("partners.view_user", caseworker)


def test_without_an_object_model_permissions_are_answered_as_before(caseworker):
    # Roles and grants are about cases: no model-level case permission comes from them.
    assert not caseworker.has_perm("cases.change_case")
    caseworker.user_permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="view_case")
    )
    caseworker = type(caseworker).objects.get(pk=caseworker.pk)  # no permission cache
    assert caseworker.has_perm("cases.view_case")
    assert not caseworker.has_perm("cases.change_case")
