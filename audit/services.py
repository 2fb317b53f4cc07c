from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AccessEvent


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (gunicorn --forwarded-allow-ips).
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    request: HttpRequest | None = None,
    detail: dict | None = None,
) -> AccessEvent:
    """Append one audit event. ``target`` may be any model instance; its label is its
    str() — which for a case is the reference, never a name."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_label = target_label or str(target)[:100]
    org = getattr(actor, "organization", None) if actor is not None else None
    return AccessEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organization_id=getattr(org, "pk", None),
        organization_name=getattr(org, "name", ""),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label,
        ip_address=client_ip(request),
        detail=detail or {},
    )


def audit_record_many(
    *,
    action: str,
    actor,
    targets,
    request: HttpRequest | None = None,
    detail: dict | None = None,
) -> int:
    """One event per target, in one INSERT (a list page or API page of cases)."""
    org = getattr(actor, "organization", None)
    ip = client_ip(request)
    events = [
        AccessEvent(
            actor=actor,
            organization_id=getattr(org, "pk", None),
            organization_name=getattr(org, "name", ""),
            action=action,
            target_type=t._meta.label_lower,
            target_id=str(t.pk),
            target_label=str(t)[:100],
            ip_address=ip,
            detail=detail or {},
        )
        for t in targets
    ]
    AccessEvent.objects.bulk_create(events)
    return len(events)
