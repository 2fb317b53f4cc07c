"""Demo: the people in the demo cases agreed to anonymised statistics, so the coordinator's
CTDC export has rows (most of them suppressed: the demo caseload is small)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from cases.models import Case, Consent
from cases.vocab import ConsentMethod, ConsentPurpose


def seed(*, orgs, users) -> None:
    """Idempotent: a case that already has a statistics decision is left as it is."""
    org_ids = [o.pk for o in orgs.values()]
    asked = Consent.objects.filter(case=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS)
    cases = Case.objects.filter(owner_organization_id__in=org_ids).exclude(Exists(asked))
    Consent.objects.bulk_create(
        [
            Consent(
                case=case,
                purpose=ConsentPurpose.STATISTICS,
                granted=True,
                method=ConsentMethod.VERBAL,
                given_at=case.created_at,
                recorded_by=case.created_by,
            )
            for case in cases.only("pk", "created_at", "created_by")
        ]
    )
