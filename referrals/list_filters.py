"""Filters of the incoming referrals list (the dashboard's "received" numbers link here).

A registry like the case list's (cases/list_filters.py): ``INCOMING.register(...)`` adds one.
The period and country apply to the referral's case (registered in the period, exploited in
the country), as on the dashboard; only counts and references are shown, never identity.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import list_filters

from .models import Referral, ReferralStatus

INCOMING = list_filters.Registry()


def _overdue(qs: QuerySet[Referral], value: bool, user) -> QuerySet[Referral]:
    return qs.filter(status=ReferralStatus.PENDING, respond_by__lt=timezone.now())


def _country(qs: QuerySet[Referral], value: str, user) -> QuerySet[Referral]:
    code = "" if value == list_filters.NOT_RECORDED else value
    return qs.filter(case__country_of_exploitation=code)


def register_incoming_filters() -> None:
    INCOMING.register(
        "status",
        _("Status"),
        lambda: list_filters.choice_field(ReferralStatus.choices),
        lambda qs, v, u: qs.filter(status=v),
        order=10,
        primary=True,
    )
    INCOMING.register(
        "overdue",
        _("Response overdue"),
        lambda: forms.BooleanField(required=False),
        _overdue,
        order=11,
        primary=True,
    )
    INCOMING.register(
        "created_from",
        _("Case registered from"),
        list_filters.date_field,
        lambda qs, v, u: qs.filter(case__created_at__date__gte=v),
        order=20,
    )
    INCOMING.register(
        "created_to",
        _("Case registered until"),
        list_filters.date_field,
        lambda qs, v, u: qs.filter(case__created_at__date__lte=v),
        order=21,
    )
    INCOMING.register(
        "country", _("Country of exploitation"), list_filters.country_field, _country, order=22
    )
