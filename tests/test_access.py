"""The access model: role ∩ organisation grant, 404 for what a user may not see."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases import access
from cases.models import Case, CaseGroupObjectPermission
from partners.roles import ALL_CASE_PERMS, ROLE_PERMS, Role
from tests.factories import OrganizationFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


def test_owner_organisation_holds_every_permission(case_in, org):
    assert access.org_perms(org, case_in) == frozenset(ALL_CASE_PERMS)


def test_other_organisation_holds_nothing(case_in, other_org):
    assert access.org_perms(other_org, case_in) == frozenset()


def test_grants_are_stored_in_the_direct_foreign_key_table(case_in, org):
    rows = CaseGroupObjectPermission.objects.filter(content_object=case_in, group=org.group)
    assert rows.count() == len(ALL_CASE_PERMS)
    from guardian.models import GroupObjectPermission

    assert not GroupObjectPermission.objects.exists()  # the generic table stays empty


@pytest.mark.parametrize("role", list(Role))
def test_effective_permission_is_role_and_organisation(case_in, org, role):
    user = UserFactory(username=f"u-{role}", organization=org, role=role)
    assert access.perms_for(user, case_in) == ROLE_PERMS[role]


def test_grant_then_revoke(case_in, other_org):
    new = access.grant(case_in, other_org, [access.VIEW, access.VIEW_IDENTITY])
    assert new == {access.VIEW, access.VIEW_IDENTITY}
    # Granting again adds nothing.
    assert access.grant(case_in, other_org, [access.VIEW]) == frozenset()
    viewer = UserFactory(username="viewer", organization=other_org)
    assert access.case_for(viewer, case_in.pk) == case_in

    removed = access.revoke(case_in, other_org, [access.VIEW, access.VIEW_IDENTITY, access.CHANGE])
    assert removed == {access.VIEW, access.VIEW_IDENTITY}
    with pytest.raises(Http404):
        access.case_for(viewer, case_in.pk)


def test_owner_permissions_cannot_be_revoked(case_in, org):
    with pytest.raises(ValueError):
        access.revoke(case_in, org, [access.VIEW])
    assert access.VIEW in access.org_perms(org, case_in)


def test_unknown_permission_is_a_programming_error(caseworker):
    with pytest.raises(ValueError):
        access.cases_visible_to(caseworker, "delete_everything")


def test_case_for_answers_404_for_unknown_malformed_and_foreign_ids(caseworker, case_out):
    for pk in (case_out.pk, 999_999_999, "abc", None):
        with pytest.raises(Http404):
            access.case_for(caseworker, pk)


def test_case_for_answers_403_when_visible_but_not_allowed(case_in, org):
    liaison = UserFactory(username="li", organization=org, role=Role.LIAISON)
    assert access.case_for(liaison, case_in.pk) == case_in
    with pytest.raises(PermissionDenied):
        access.case_for(liaison, case_in.pk, access.REFER)


def test_inactive_user_and_user_without_organisation_see_nothing(case_in, org):
    inactive = UserFactory(username="gone", organization=org, is_active=False)
    orphan = UserFactory(username="orphan", organization=None)
    for user in (inactive, orphan):
        assert not access.cases_visible_to(user).exists()
        with pytest.raises(Http404):
            access.case_for(user, case_in.pk)


def test_visible_queryset_is_filtered_in_the_database(
    case_in, case_out, caseworker, django_assert_num_queries
):
    with django_assert_num_queries(1):
        ids = list(access.cases_visible_to(caseworker).values_list("pk", flat=True))
    assert ids == [case_in.pk]


def test_visible_queryset_per_permission(case_in, other_org):
    access.grant(case_in, other_org, [access.VIEW])
    partner = UserFactory(username="partner", organization=other_org, role=Role.COORDINATOR)
    assert list(access.cases_visible_to(partner, access.VIEW)) == [case_in]
    assert not access.cases_visible_to(partner, access.VIEW_IDENTITY).exists()
    assert not access.cases_visible_to(partner, access.EXPORT).exists()
    row = access.cases_visible_to(partner).get()
    assert row.can_view_identity is False


def test_group_membership_follows_the_organisation(org, other_org):
    user = UserFactory(username="mover", organization=org)
    assert list(user.groups.all()) == [org.group]
    user.organization = other_org
    user.save()
    assert list(user.groups.all()) == [other_org.group]


def test_references_are_per_organisation_and_year_and_never_reused(org, other_org, caseworker):
    first = make_case(org, by=caseworker)
    second = make_case(org, by=caseworker)
    other = make_case(other_org)
    year = first.created_at.year
    assert first.reference == f"KH-MLC-{year}-00001"
    assert second.reference == f"KH-MLC-{year}-00002"
    assert other.reference == f"LA-LFRN-{year}-00001"
    # Deleting a case does not free its number.
    Case.objects.filter(pk=second.pk).delete()
    assert make_case(org, by=caseworker).reference == f"KH-MLC-{year}-00003"


def test_a_new_organisation_gets_its_own_group():
    org = OrganizationFactory(name="Shelter", code="shel")
    assert org.group.name == "org:shel"
