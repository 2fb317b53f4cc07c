"""Reading the audit log: an organisation's own events, for its org admins and coordinators."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

# Who may read their organisation's log is a right in partners.roles (a module that imports
# no other app: audit still uses no other app's models or services).
from partners.roles import Right, has_right

from .models import AccessEvent


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def org_events(
    user,
    *,
    actor_id: int | None = None,
    record: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessEvent]:
    """Events of ``user``'s organisation, newest first, filtered in the database. Empty for
    anyone who may not read them. ``record`` matches a target id exactly, or a target's label
    or type in part; ``date_to`` is inclusive (in the current time zone)."""
    if not has_right(user, Right.READ_AUDIT_LOG):
        return AccessEvent.objects.none()
    events = AccessEvent.objects.filter(organization_id=user.organization_id)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if record:
        events = events.filter(
            Q(target_id=record) | Q(target_label__icontains=record) | Q(target_type=record)
        )
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return events.select_related("actor").order_by("-at", "-id")
