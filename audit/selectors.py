"""Reading the audit log: an organisation's own events, for its org admins and coordinators."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccessEvent

# Who may read their organisation's log. Role names as stored on partners.User.role (the
# audit app imports no other app).
READER_ROLES = frozenset({"org_admin", "coordinator"})


def can_read_org_audit(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and getattr(user, "organization_id", None) is not None
        and user.role in READER_ROLES
    )


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
    if not can_read_org_audit(user):
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
