"""Org admins manage their own organisation's users, and nobody else's."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AccessEvent, AuditAction
from partners.models import User
from partners.roles import Role
from tests.accounts.conftest import confirmed_device
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, **fields):
    data = {
        "username": "newbie",
        "first_name": "Vanna",
        "last_name": "Ouk",
        "email": "newbie@example.org",
        "role": Role.CASEWORKER,
        "preferred_language": "en",
        **fields,
    }
    return client.post(reverse("organisation:user_invite"), data)


def test_list_shows_own_members_only_with_flat_queries(
    client, org_admin, caseworker, other_caseworker, django_assert_num_queries
):
    client.force_login(org_admin)
    confirmed_device(caseworker)
    html = client.get(reverse("organisation:users")).content.decode()
    assert ">cw<" in html and "cw-other" not in html
    for n in range(10):
        UserFactory(username=f"member{n}", organization=org_admin.organization)
    # session, user + organisation, members (with their 2FA flag in the same query)
    with django_assert_num_queries(3):
        html = client.get(reverse("organisation:users")).content.decode()
    assert "member9" in html


def test_invite_creates_a_member_without_a_password_and_emails_a_link(
    client, org_admin, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://homeward.example.org"
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, role=Role.COORDINATOR)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.organization == org_admin.organization and user.role == Role.COORDINATOR
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert AccessEvent.objects.filter(
        action=AuditAction.CHANGED,
        actor=org_admin,
        target_id=str(user.pk),
        detail__change="invited",
    ).exists()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["newbie@example.org"]
    assert "newbie" in body and org_admin.organization.name in body
    link = re.search(r"https://homeward\.example\.org(/\S+)", body).group(1)

    # The link sets a password once; then the user logs in.
    client.logout()
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "a-long-fresh-passphrase", "new_password2": "a-long-fresh-passphrase"},
    )
    assert response.status_code == 302
    assert client.login(username="newbie", password="a-long-fresh-passphrase")
    client.logout()
    assert "does not work" in client.get(link, follow=True).content.decode()


def test_invite_cannot_make_staff_or_join_another_org(client, org_admin, other_org):
    client.force_login(org_admin)
    _invite(client, is_staff="on", is_superuser="on", organization=other_org.pk)
    user = User.objects.get(username="newbie")
    assert not user.is_staff and not user.is_superuser
    assert user.organization_id == org_admin.organization_id


def test_invite_shows_per_field_errors_and_saves_nothing(client, org_admin, caseworker):
    client.force_login(org_admin)
    response = _invite(client, username="cw", email="", role="superuser")
    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in html and "This field is required" in html
    assert "Select a valid choice" in html
    assert len(mail.outbox) == 0


def test_change_role_deactivate_reactivate_are_audited(client, org_admin, caseworker):
    client.force_login(org_admin)
    url = reverse("organisation:user", args=[caseworker.pk])
    assert client.post(url, {"role": Role.COORDINATOR}).status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.role == Role.COORDINATOR
    client.post(reverse("organisation:user_action", args=[caseworker.pk, "deactivate"]))
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    client.post(reverse("organisation:user_action", args=[caseworker.pk, "reactivate"]))
    caseworker.refresh_from_db()
    assert caseworker.is_active
    changes = list(
        AccessEvent.objects.filter(target_id=str(caseworker.pk), actor=org_admin)
        .order_by("id")
        .values_list("detail__change", flat=True)
    )
    assert changes == ["role", "deactivated", "activated"]
    assert AccessEvent.objects.filter(
        detail__before=Role.CASEWORKER, detail__after=Role.COORDINATOR
    )


def test_foreign_user_ids_answer_404(client, org_admin, other_caseworker):
    client.force_login(org_admin)
    pk = other_caseworker.pk
    assert client.get(reverse("organisation:user", args=[pk])).status_code == 404
    assert (
        client.post(reverse("organisation:user", args=[pk]), {"role": "coordinator"}).status_code
        == 404
    )
    for action in ("deactivate", "reactivate", "password-link", "unlock", "reset-two-factor"):
        response = client.post(reverse("organisation:user_action", args=[pk, action]))
        assert response.status_code == 404, action
    other_caseworker.refresh_from_db()
    assert other_caseworker.is_active and other_caseworker.role == Role.CASEWORKER
    assert len(mail.outbox) == 0


def test_staff_and_superusers_are_not_manageable(client, org_admin, org):
    staff = UserFactory(username="staffer", organization=org, is_staff=True)
    client.force_login(org_admin)
    assert client.get(reverse("organisation:user", args=[staff.pk])).status_code == 404
    assert "staffer" not in client.get(reverse("organisation:users")).content.decode()


def test_admin_cannot_deactivate_or_demote_themselves(client, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("organisation:user_action", args=[org_admin.pk, "deactivate"]), follow=True
    )
    assert "cannot deactivate yourself" in response.content.decode()
    response = client.post(
        reverse("organisation:user", args=[org_admin.pk]), {"role": "caseworker"}
    )
    assert "cannot change your own role" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.is_active and org_admin.role == Role.ORG_ADMIN


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.LIAISON])
def test_other_roles_cannot_manage_users(client, org, caseworker, role):
    user = UserFactory(username=f"x-{role}", organization=org, role=role)
    client.force_login(user)
    assert client.get(reverse("organisation:users")).status_code == 403
    assert client.get(reverse("organisation:user", args=[caseworker.pk])).status_code == 403
    assert _invite(client).status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    assert "/organisation/users/" not in client.get(reverse("home")).content.decode()


def test_nav_shows_users_to_org_admins(client, org_admin):
    client.force_login(org_admin)
    html = client.get(reverse("home")).content.decode()
    assert 'href="/organisation/users/"' in html and 'href="/organisation/audit/"' in html


def test_password_link_and_two_factor_reset(
    client, org_admin, caseworker, django_capture_on_commit_callbacks
):
    confirmed_device(caseworker)
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organisation:user_action", args=[caseworker.pk, "password-link"]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [caseworker.email]
    client.post(reverse("organisation:user_action", args=[caseworker.pk, "reset-two-factor"]))
    fresh = client.__class__()
    response = fresh.post(reverse("login"), {"username": "cw", "password": PASSWORD})
    assert response.url != reverse("login_code")  # no device any more: password only
    assert AccessEvent.objects.filter(detail__change="two-factor reset", actor=org_admin).exists()


def test_org_admin_unlocks_a_locked_member(client, org_admin, caseworker, settings):
    settings.AXES_FAILURE_LIMIT = 2
    other = client.__class__()
    other.post(reverse("login"), {"username": "cw", "password": "wrong"})
    other.post(reverse("login"), {"username": "cw", "password": "wrong"})
    assert other.post(reverse("login"), {"username": "cw", "password": PASSWORD}).status_code == 429
    client.force_login(org_admin)
    client.post(reverse("organisation:user_action", args=[caseworker.pk, "unlock"]))
    assert other.post(reverse("login"), {"username": "cw", "password": PASSWORD}).status_code == 302
