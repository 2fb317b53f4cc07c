"""The service directory: offers validated (provinces, capacity), searched and suggested by
service, area, sex and age, in the database; the referral form shows the suggestions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partners.roles import Role
from reintegration import directory
from reintegration.models import ServiceOffer
from repatriation.models import Situation
from repatriation.services import plan_create
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish(org, service, areas, for_sex="any", age_min=None, age_max=None, beds=None):
    manager = UserFactory(
        username=f"m-{org.code}-{service}-{for_sex}", organization=org, role=Role.COORDINATOR
    )
    return directory.offer_save(
        by=manager,
        areas=areas,
        service=service,
        for_sex=for_sex,
        age_min=age_min,
        age_max=age_max,
        beds_free=beds,
        languages="km",
        how_to_refer="Call us",
    )


@pytest.fixture
def offers(w):
    orgs = {
        code: OrganizationFactory(name=f"Org {code}", code=code, country=country)
        for code, country in (
            ("men", "KH"),
            ("women", "KH"),
            ("kids", "KH"),
            ("far", "KH"),
            ("la", "LA"),
        )
    }
    return {
        "men": publish(orgs["men"], "shelter", [("KH", "KH-12")], "male", 12, None, beds=3),
        "women": publish(orgs["women"], "shelter", [("KH", "KH-12")], "female", beds=5),
        "kids": publish(orgs["kids"], "shelter", [("KH", "")], "any", 0, 17, beds=9),
        "far": publish(orgs["far"], "shelter", [("KH", "KH-2")], "any", beds=1),
        "la": publish(orgs["la"], "shelter", [("LA", "")], "any", beds=7),
        "loans": publish(orgs["far"], "micro_loan", [("KH", "")]),
    }


def names(qs):
    return [o.organization.code for o in qs]


def test_filters_by_service_area_sex_and_age(offers):
    found = directory.offers(
        services=["shelter"], country="KH", province="KH-12", sex="male", age=30
    )
    assert names(found) == ["men"]  # a shelter for men and boys is findable
    found = directory.offers(
        services=["shelter"], country="KH", province="KH-12", sex="male", age=15
    )
    assert names(found) == ["men", "kids"]  # the province's own first, then the country-wide
    found = directory.offers(
        services=["shelter"], country="KH", province="KH-12", sex="female", age=30
    )
    assert names(found) == ["women"]
    found = directory.offers(services=["shelter"], country="KH", province="KH-2")
    assert names(found) == ["far", "kids"]
    assert names(directory.offers(services=["micro_loan"], country="KH")) == ["far"]
    assert names(directory.offers(services=["shelter"], country="LA")) == ["la"]


def test_suggestions_for_a_case_use_the_plan_home_province(w, offers):
    from partners.models import OrganizationKind

    embassy = OrganizationFactory(name="E", code="emb", country="MY", kind=OrganizationKind.EMBASSY)
    plan_create(
        case=w.case,
        by=w.coordinator,
        current_country="MY",
        situation=Situation.SHELTER,
        home_country="KH",
        home_province="Phnom Penh",  # typed as a name: read as KH-12
        embassy=embassy,
        lead_organization=w.owner,
    )
    found = directory.for_referral(w.case, "shelter")  # a man of 30
    assert [s.name for s in found] == ["Org men"]
    assert found[0].beds_free == 3 and found[0].in_province
    assert directory.for_referral(w.case, "repatriation") == []


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        ([("KH", "KH-99")], "not an ISO 3166-2 province code"),
        ([("KH", "LA-VT")], "not in the countries chosen"),
        ([], "at least one country"),
    ],
)
def test_bad_areas_are_refused(w, areas, message):
    with pytest.raises(ValidationError) as err:
        publish(w.provider, "shelter", areas)
    assert message in " ".join(err.value.messages)
    assert not ServiceOffer.objects.exists()


def test_capacity_below_zero_is_refused(w):
    with pytest.raises(ValidationError) as err:
        publish(w.provider, "shelter", [("KH", "")], beds=-1)
    assert err.value.message_dict["beds_free"] == ["Beds free cannot be below zero."]
    offer = publish(w.provider, "shelter", [("KH", "")], beds=2)
    with pytest.raises(ValidationError):
        directory.offer_set_beds(offer=offer, by=w.provider_coord, beds_free=-3)
    offer.refresh_from_db()
    assert offer.beds_free == 2 and offer.capacity_updated_on is not None


def test_only_the_organisations_managers_publish(w):
    with pytest.raises(PermissionDenied):
        directory.offer_save(by=w.provider_cw, areas=[("KH", "")], service="shelter")
    offer = publish(w.provider, "shelter", [("KH", "")])
    with pytest.raises(PermissionDenied):
        directory.offer_set_beds(offer=offer, by=w.coordinator, beds_free=1)


def test_the_beds_page_refuses_below_zero(client, w):
    offer = publish(w.provider, "shelter", [("KH", "")], beds=2)
    client.force_login(w.provider_coord)
    response = client.post(
        reverse("reintegration:offer_beds", args=[offer.pk]), {"beds_free": "-1"}, follow=True
    )
    assert "Beds free cannot be below zero." in response.content.decode()
    client.force_login(w.coordinator)  # another organisation's offer: not found
    assert client.post(reverse("reintegration:offer_beds", args=[offer.pk])).status_code == 404


def test_the_directory_page_filters(client, w, offers):
    client.force_login(w.caseworker)
    page = client.get(
        reverse("reintegration:directory"),
        {"service": "shelter", "country": "KH", "province": "KH-12", "sex": "male", "age": "30"},
    ).content.decode()
    assert "Org men" in page and "Org women" not in page and "Org la" not in page


def test_the_referral_form_suggests_organisations(client, w, offers):
    client.force_login(w.caseworker)
    url = reverse("referrals:consent_needs", args=[w.case.pk])
    page = client.get(url, {"service": "shelter"}).content.decode()
    # A Cambodian man of 30, from his country of origin (no plan): every KH shelter for men.
    assert "Org men" in page and "Org women" not in page and "3 beds free" in page
