"""Org admins and coordinators read their own organisation's audit events, filtered by user,
record, action and date, paginated in the database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from audit.services import audit_record
from partners.roles import Role
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db

URL = "/organisation/audit/"


@pytest.fixture
def events(org, caseworker, coordinator, other_caseworker):
    mine = make_case(org, by=caseworker)
    theirs = make_case(other_caseworker.organization, by=other_caseworker)
    audit_record(action=AuditAction.VIEWED_IDENTITY, actor=caseworker, target=mine)
    audit_record(action=AuditAction.EXPORT_REQUESTED, actor=coordinator, target=mine)
    audit_record(action=AuditAction.VIEWED_IDENTITY, actor=other_caseworker, target=theirs)
    return mine, theirs


def _rows(client, **params):
    """The page below the filter form (whose option labels would match anything)."""
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    form_end = html.index("</form>", html.index('class="filters"'))
    return html[:form_end].split('class="filters"')[0] + _errors(html) + html[form_end:]


def _errors(html):
    return " ".join(part.split("</p>")[0] for part in html.split('class="field-error">')[1:])


def test_url_and_nav(client, coordinator):
    assert reverse("audit:events") == URL
    client.force_login(coordinator)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_coordinator_sees_own_organisation_only(client, coordinator, events):
    mine, theirs = events
    client.force_login(coordinator)
    html = _rows(client)
    assert mine.reference in html and theirs.reference not in html
    assert "cw-other" not in html


def test_filters_by_user_record_action_and_date(client, org_admin, caseworker, coordinator, events):
    mine, _theirs = events
    client.force_login(org_admin)
    html = _rows(client, user=caseworker.pk)
    assert "Viewed a person" in html and "Requested an export" not in html
    html = _rows(client, action=AuditAction.EXPORT_REQUESTED)
    assert "Requested an export" in html and "Viewed a person" not in html
    assert mine.reference in _rows(client, record=mine.reference[-5:])
    assert mine.reference in _rows(client, record=str(mine.pk))
    assert "No events match" in _rows(client, record="KH-NOPE")
    today = timezone.localdate()
    assert mine.reference in _rows(client, date_from=today.isoformat(), date_to=today.isoformat())
    yesterday = (today - timedelta(days=1)).isoformat()
    assert "No events match" in _rows(client, date_to=yesterday)
    html = _rows(client, date_from=today.isoformat(), date_to=yesterday)
    assert "end date is before the start date" in html


def test_user_filter_offers_only_own_members(client, org_admin, other_caseworker, events):
    client.force_login(org_admin)
    full = client.get(URL).content.decode()
    assert ">cw<" in full and "cw-other" not in full  # the user choices
    html = _rows(client, user=other_caseworker.pk)
    assert "Select a valid choice" in html and "Viewed a person" not in html


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.LIAISON])
def test_other_roles_may_not_read(client, org, role, events):
    user = UserFactory(username=f"r-{role}", organization=org, role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("home")).content.decode()


def test_paginated_with_flat_queries(client, coordinator, caseworker, django_assert_num_queries):
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                actor=caseworker,
                organization_id=caseworker.organization_id,
                action=AuditAction.VIEWED_CASE,
                target_label=f"row-{n:03d}",
            )
            for n in range(120)
        ]
    )
    client.force_login(coordinator)
    # session, user + organisation, user choices, count, the page of events with their actors
    with django_assert_num_queries(5):
        html = _rows(client)
    assert "row-119" in html and "row-069" not in html and "Page 1 of 3" in html
    html = _rows(client, page=2, action=AuditAction.VIEWED_CASE)
    assert "row-069" in html and "Page 2 of 3" in html
    assert "action=viewed_case" in html and "page=3" in html
