"""The case page's reintegration section (cases.panels)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases import access, disclosure
from partners.roles import Right, has_right

from .. import selectors, transfers
from ..forms import RepaymentForm, StartForm

# At most this many services on the case page (the rest: the API and the PDF).
MAX_ROWS = 100


def case_panel(request: HttpRequest, case, perms: frozenset[str]) -> dict[str, Any] | None:
    user = request.user
    can_record = access.RECORD_SERVICES in perms
    services = list(selectors.services_of(case)[:MAX_ROWS])
    needs = list(selectors.needs_of(case))
    follow_ups = list(selectors.follow_ups_of(case))
    pending = selectors.pending_transfer(case)
    may_transfer = transfers.may_request(user, case)  # type: ignore[arg-type]
    if not (services or needs or follow_ups or can_record or pending or may_transfer):
        return None
    org_id = getattr(user, "organization_id", None)
    # Per-row flags for the template (not model fields).
    for s in services:
        mine = org_id in (s.provider_id, case.owner_organization_id)
        s.may_change = can_record and mine  # type: ignore[attr-defined]
    for f in follow_ups:
        owner_or_assigned = org_id in (f.assigned_organization_id, case.owner_organization_id)
        f.may_record = can_record and owner_or_assigned  # type: ignore[attr-defined]
    return {
        "case": case,
        "disclosure": disclosure.for_perms(perms, anonymised=case.anonymised_at is not None),
        "can_record": can_record,
        "needs": needs,
        "services": services,
        "follow_ups": follow_ups,
        "pending_transfer": pending,
        "may_transfer": may_transfer and pending is None,
        "may_see_transfer": pending is not None and has_right(user, Right.TRANSFER_CASES),
        "start_form": StartForm() if can_record and not follow_ups else None,
        "repayment_form": RepaymentForm(),
    }
