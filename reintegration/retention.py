"""Retention (cases.retention): anonymising a case removes the exact places and free text of
its service records and follow-ups (the identity fields of cases.disclosure); kinds, dates,
amounts and outcomes stay for the statistics."""

from __future__ import annotations

from .models import FOLLOW_UP_FIELDS, SERVICE_FIELDS, FollowUp, ServiceRecord


def scrub(case) -> None:
    ServiceRecord.objects.filter(case=case).update(**dict.fromkeys(SERVICE_FIELDS.identity, ""))
    FollowUp.objects.filter(case=case).update(**dict.fromkeys(FOLLOW_UP_FIELDS.identity, ""))
