"""The dashboard's referral figure and the list filters its numbers link to.

"Referrals awaiting a response", four numbers:

- *sent, awaiting* / *sent, overdue*: cases the user may see (``visible_cases(user, filters)``)
  with a pending referral **from** the user's organisation (overdue: ``respond_by`` passed).
  Counted as cases, so the number equals the case list it links to (a case referred to two
  partners at once counts once).
- *received, awaiting* / *received, overdue*: pending referrals **to** the user's
  organisation (``referrals_visible_to``) whose case matches the period and country. The case
  itself is not visible until the referral is accepted, so these numbers link to the incoming
  referrals list, filtered the same way. One pending referral per (case, organisation)
  (a database constraint), so these are cases too.

Two queries: one aggregate over the cases, one over the received referrals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases import list_filters
from cases.models import Case
from reports.figures import Figure, Row
from reports.selectors import Filters, case_list_url, visible_cases

from .access import referrals_visible_to
from .models import Referral, ReferralStatus

# Case-list parameter ``referral``: the case's referral state, seen from the user's organisation.
SENT_PENDING = "sent_pending"
SENT_OVERDUE = "sent_overdue"
RECEIVED_PENDING = "received_pending"
RECEIVED_OVERDUE = "received_overdue"
REFERRAL_STATES = [
    (SENT_PENDING, _("Referred by us, awaiting a response")),
    (SENT_OVERDUE, _("Referred by us, response overdue")),
    (RECEIVED_PENDING, _("Referred to us, awaiting our response")),
    (RECEIVED_OVERDUE, _("Referred to us, our response overdue")),
]


def _pending(user: Any, state: str) -> Q:
    """Pending referrals in ``state``, seen from the user's organisation (sent by it or to
    it; overdue: past ``respond_by``)."""
    org_id = getattr(user, "organization_id", None)
    q = Q(status=ReferralStatus.PENDING)
    if state.startswith("sent"):
        q &= Q(from_organization_id=org_id)
    else:
        q &= Q(to_organization_id=org_id)
    if state.endswith("overdue"):
        q &= Q(respond_by__lt=timezone.now())
    return q


def filter_cases_by_referral(qs: QuerySet[Case], state: str, user: Any) -> QuerySet[Case]:
    return qs.filter(Exists(_of_case(user, state)))


def incoming_url(filters: Filters, *, overdue: bool = False) -> str:
    params = {"status": ReferralStatus.PENDING, **filters.link_params()}
    if overdue:
        params["overdue"] = "1"
    return reverse("referrals:incoming") + "?" + urlencode(params)


def referrals_waiting(user: Any, filters: Filters) -> Figure:
    now = timezone.now()
    org_id = user.organization_id
    sent = _sent_counts(user, filters)
    received = (
        referrals_visible_to(user)
        .filter(
            to_organization_id=org_id,
            status=ReferralStatus.PENDING,
            case_id__in=Case.objects.filter(filters.case_q()).values("pk"),
        )
        .aggregate(
            waiting=Count("pk"),
            overdue=Count("pk", filter=Q(respond_by__lt=now)),
        )
    )
    return Figure(
        rows=[
            Row(
                _("Sent, awaiting a response"),
                sent["waiting"],
                case_list_url(filters, referral=SENT_PENDING),
            ),
            Row(
                _("Sent, response overdue"),
                sent["overdue"],
                case_list_url(filters, referral=SENT_OVERDUE),
            ),
            Row(_("Received, awaiting our response"), received["waiting"], incoming_url(filters)),
            Row(
                _("Received, our response overdue"),
                received["overdue"],
                incoming_url(filters, overdue=True),
            ),
        ],
        note=_(
            "Cases with a pending referral, sent by your organisation or to it, registered "
            "from %(start)s to %(end)s. Overdue: the response deadline has passed."
        )
        % {"start": filters.date_from.isoformat(), "end": filters.date_to.isoformat()},
        value_label=_("Cases"),
    )


def _sent_counts(user: Any, filters: Filters) -> dict[str, int]:
    """One query: visible cases with a pending referral the organisation sent, and of those
    the ones whose response is overdue."""
    return visible_cases(user, filters).aggregate(
        waiting=Count("pk", filter=Q(Exists(_of_case(user, SENT_PENDING)))),
        overdue=Count("pk", filter=Q(Exists(_of_case(user, SENT_OVERDUE)))),
    )


def _of_case(user: Any, state: str) -> QuerySet[Referral]:
    return Referral.objects.filter(_pending(user, state), case_id=OuterRef("pk"))


def register() -> None:
    from reports import figures

    figures.register(
        "referrals_waiting", _("Referrals awaiting a response"), referrals_waiting, order=30
    )
    list_filters.CASES.register(
        "referral",
        _("Referral"),
        lambda: forms.ChoiceField(choices=[("", _("Any")), *REFERRAL_STATES], required=False),
        filter_cases_by_referral,
        order=40,
    )
