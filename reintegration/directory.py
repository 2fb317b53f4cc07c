"""The service directory: what each organisation offers, for whom, where (ISO 3166-2
provinces), and its free beds now; and the suggestions the referral and transfer forms show
(organisations offering the service in the person's area, for their sex and age).

Suggestions are filtered in the database (one query) and never show the person: the form
names the organisations, their capacity and how to refer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.vocab import Sex
from partners.models import Organization, User
from partners.roles import Right, has_right

from .models import OfferArea, ServiceOffer
from .places import province_code, validate_province
from .vocab import FOR_REFERRAL_SERVICE, ForSex

# At most this many areas an offer, and suggestions a form.
MAX_AREAS = 50
MAX_SUGGESTIONS = 10

OFFER_INPUT = ("service", "for_sex", "age_min", "age_max", "languages", "beds_free", "how_to_refer")


def _require_manager(by: User, organization: Organization) -> None:
    if not has_right(by, Right.MANAGE_SERVICE_OFFERS) or by.organization_id != organization.pk:
        raise PermissionDenied


def clean_areas(areas: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(country, province) pairs: a province must be an ISO 3166-2 code of that country."""
    if not areas:
        raise ValidationError({"areas": _("Name at least one country where you offer this.")})
    if len(areas) > MAX_AREAS:
        raise ValidationError({"areas": _("Name at most %(n)s places.") % {"n": MAX_AREAS}})
    out = []
    for country, province in areas:
        country, province = country.strip().upper(), province.strip().upper()
        if province:
            validate_province(province, [country])
        out.append((country, province))
    return sorted(set(out))


@transaction.atomic
def offer_save(
    *,
    by: User,
    areas: list[tuple[str, str]],
    offer: ServiceOffer | None = None,
    **fields: Any,
) -> ServiceOffer:
    """Publish or change an offer of the user's organisation, with the places it covers."""
    assert by.organization is not None or offer is not None
    organization = offer.organization if offer else by.organization
    assert organization is not None
    _require_manager(by, organization)
    unknown = set(fields) - set(OFFER_INPUT)
    if unknown:
        raise TypeError(f"Unknown offer fields: {sorted(unknown)}")
    beds = fields.get("beds_free")
    if beds is not None and beds < 0:
        raise ValidationError({"beds_free": _("Beds free cannot be below zero.")})
    areas = clean_areas(areas)
    if offer is None:
        offer = ServiceOffer(organization=organization)
    else:
        offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
    if "beds_free" in fields and (offer.pk is None or fields["beds_free"] != offer.beds_free):
        offer.capacity_updated_on = timezone.localdate()
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean(exclude=["organization"])
    offer.save()
    offer.areas.all().delete()
    OfferArea.objects.bulk_create(OfferArea(offer=offer, country=c, province=p) for c, p in areas)
    return offer


@transaction.atomic
def offer_set_beds(*, offer: ServiceOffer, by: User, beds_free: int | None) -> ServiceOffer:
    """Today's free beds (the quick update from the directory page)."""
    _require_manager(by, offer.organization)
    if beds_free is not None and beds_free < 0:
        raise ValidationError({"beds_free": _("Beds free cannot be below zero.")})
    offer = ServiceOffer.objects.select_for_update().get(pk=offer.pk)
    offer.beds_free = beds_free
    offer.capacity_updated_on = timezone.localdate()
    offer.full_clean(exclude=["organization"])
    offer.save(update_fields=["beds_free", "capacity_updated_on", "updated_at"])
    return offer


@transaction.atomic
def offer_delete(*, offer: ServiceOffer, by: User) -> None:
    _require_manager(by, offer.organization)
    offer.delete()


def offers(
    *,
    services: list[str] | tuple[str, ...] = (),
    country: str = "",
    province: str = "",
    sex: str = "",
    age: int | None = None,
    exclude: int | None = None,
) -> QuerySet[ServiceOffer]:
    """Offers of active organisations matching, filtered in the database. An empty filter
    matches everything. A province matches offers for that province or the whole country;
    a sex matches offers for everyone or for that sex; an age, offers whose range holds it."""
    qs = ServiceOffer.objects.filter(organization__is_active=True).select_related("organization")
    if services:
        qs = qs.filter(service__in=list(services))
    if country:
        place = Q(country=country)
        if province:
            place &= Q(province="") | Q(province=province)
        qs = qs.filter(Exists(OfferArea.objects.filter(place, offer=OuterRef("pk"))))
        qs = qs.annotate(
            in_province=Exists(
                OfferArea.objects.filter(offer=OuterRef("pk"), country=country, province=province)
            )
            if province
            else Exists(OfferArea.objects.none())
        )
    if sex in (Sex.MALE, Sex.FEMALE):
        qs = qs.filter(for_sex__in=[ForSex.ANY, sex])
    if age is not None:
        qs = qs.filter(Q(age_min__isnull=True) | Q(age_min__lte=age))
        qs = qs.filter(Q(age_max__isnull=True) | Q(age_max__gte=age))
    if exclude is not None:
        qs = qs.exclude(organization_id=exclude)
    order = ["-in_province"] if country else []
    return qs.order_by(*order, F("beds_free").desc(nulls_last=True), "organization__name", "pk")


def area_of(case: Case) -> tuple[str, str]:
    """The person's home area: the repatriation plan's home country and province (as an
    ISO 3166-2 code when the province is typed as one or as its name), else the country of
    origin, else the nationality."""
    plan = getattr(case, "repatriation_plan", None) if _has_plan(case) else None
    if plan is not None:
        country = str(plan.home_country)
        return country, province_code(country, plan.home_province)
    return str(case.country_of_origin or case.person.nationality or ""), ""


def _has_plan(case: Case) -> bool:
    from repatriation.models import RepatriationPlan

    return RepatriationPlan.objects.filter(case=case).exists()


@dataclass(frozen=True)
class Suggestion:
    organization_id: int
    name: str
    service: Any
    beds_free: int | None
    capacity_updated_on: date | None
    languages: str
    how_to_refer: str
    in_province: bool


def suggest_for_case(case: Case, services: tuple[str, ...] | list[str]) -> list[Suggestion]:
    """Organisations offering one of ``services`` in the person's home area, for their sex
    and age, with their capacity (the owner excluded)."""
    country, province = area_of(case)
    person = case.person
    rows = offers(
        services=services,
        country=country,
        province=province,
        sex=person.sex,
        age=person.age,
        exclude=case.owner_organization_id,
    )[:MAX_SUGGESTIONS]
    return [
        Suggestion(
            organization_id=o.organization_id,
            name=o.organization.name,
            service=o.get_service_display(),
            beds_free=o.beds_free,
            capacity_updated_on=o.capacity_updated_on,
            languages=o.languages,
            how_to_refer=o.how_to_refer,
            in_province=bool(getattr(o, "in_province", False)),
        )
        for o in rows
    ]


def for_referral(case: Case, service: str) -> list[Suggestion]:
    """The hook referrals.suggestions calls: the directory services answering a referral's."""
    services = FOR_REFERRAL_SERVICE.get(service, ())
    return suggest_for_case(case, services) if services else []
