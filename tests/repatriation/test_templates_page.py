"""An organisation admin adjusts the steps of plans their organisation leads."""

import pytest
from django.urls import reverse

from partners.roles import Role
from repatriation.models import Responsible, StepKind, StepTemplate
from tests.factories import UserFactory

from .conftest import new_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_admin(world):
    return UserFactory(username="lead-admin", organization=world.lead, role=Role.ORG_ADMIN)


def _items_post(rows):
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, (order, kind, who, days) in enumerate(rows):
        data.update(
            {
                f"items-{i}-order": str(order),
                f"items-{i}-kind": kind,
                f"items-{i}-responsible": who,
                f"items-{i}-due_after_days": str(days),
            }
        )
    return data


def test_org_admin_creates_and_adjusts_a_route_template_used_by_new_plans(
    client, world, lead_admin
):
    client.force_login(lead_admin)
    assert "Repatriation steps" in client.get("/").content.decode()
    r = client.post(
        reverse("repatriation:template_list"),
        {"name": "Malaysia → Cambodia", "home_country": "KH", "current_country": "MY"},
    )
    template = StepTemplate.objects.get(name="Malaysia → Cambodia")
    assert r.status_code == 302 and r.url == reverse(
        "repatriation:template_edit", args=[template.pk]
    )
    assert template.organization == world.lead and template.items.count() == 14
    page = client.get(r.url).content.decode()
    assert "Travel document issued" in page
    # Keep three steps, swap two orders, change who and when.
    data = {"name": "Malaysia → Cambodia", "home_country": "KH", "current_country": "MY"}
    data.update(
        _items_post(
            [
                (1, StepKind.NATIONALITY, Responsible.EMBASSY, 2),
                (3, StepKind.DEPARTED, Responsible.LEAD, 10),
                (2, StepKind.TRAVEL_DOCUMENT, Responsible.EMBASSY, 5),
            ],
        )
    )
    r = client.post(reverse("repatriation:template_edit", args=[template.pk]), data)
    assert r.status_code == 302, r.content.decode()
    plan = new_plan(world)
    assert plan.template == template
    assert list(plan.steps.values_list("kind", flat=True)) == [
        StepKind.NATIONALITY,
        StepKind.TRAVEL_DOCUMENT,
        StepKind.DEPARTED,
    ]


def test_duplicate_orders_are_refused_and_nothing_changes(client, world, lead_admin):
    client.force_login(lead_admin)
    client.post(reverse("repatriation:template_list"), {"name": "Any route"})
    template = StepTemplate.objects.get(name="Any route")
    data = {"name": "Renamed", "home_country": "", "current_country": ""}
    data.update(
        _items_post(
            [(1, StepKind.NATIONALITY, Responsible.EMBASSY, 2), (1, StepKind.DEPARTED, "lead", 3)],
        )
    )
    r = client.post(reverse("repatriation:template_edit", args=[template.pk]), data)
    assert r.status_code == 200
    template.refresh_from_db()
    assert template.name == "Any route" and template.items.count() == 14


def test_templates_are_the_admins_own_organisations_only(client, world, lead_admin):
    client.force_login(lead_admin)
    client.post(reverse("repatriation:template_list"), {"name": "Ours"})
    ours = StepTemplate.objects.get(name="Ours")
    other_admin = UserFactory(username="oth-admin", organization=world.other, role=Role.ORG_ADMIN)
    client.force_login(other_admin)
    assert client.get(reverse("repatriation:template_edit", args=[ours.pk])).status_code == 404
    assert "Ours" not in client.get(reverse("repatriation:template_list")).content.decode()
    for user in (world.coordinator, world.liaison):
        client.force_login(user)
        assert client.get(reverse("repatriation:template_list")).status_code == 403
        assert client.get(reverse("repatriation:template_edit", args=[ours.pk])).status_code == 403
