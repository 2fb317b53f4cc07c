"""What the person has agreed to. Referrals, exports and repatriation ask here before
disclosing anything; the intake pages record and withdraw consent through cases.services."""

from __future__ import annotations

from .models import Case, Consent
from .vocab import ConsentPurpose


def current_consents(case: Case) -> dict[str, Consent]:
    """The latest decision per purpose (one query). A purpose never asked is absent."""
    latest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(case=case).order_by("purpose", "-given_at", "-id"):
        latest.setdefault(consent.purpose, consent)
    return latest


def has_consent(case: Case, purpose: str) -> bool:
    """True only if the latest decision for ``purpose`` is a yes that was not withdrawn."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    consent = (
        Consent.objects.filter(case=case, purpose=purpose).order_by("-given_at", "-id").first()
    )
    return consent is not None and consent.is_active


def missing_consents(case: Case, purposes: list[str]) -> list[str]:
    """The purposes among ``purposes`` the person has not (or no longer) agreed to."""
    current = current_consents(case)
    return [p for p in purposes if not (p in current and current[p].is_active)]


def withdrawn_consents(case: Case, purposes: list[str]) -> list[str]:
    """The purposes among ``purposes`` whose latest decision is a consent the person has
    withdrawn. Unlike a consent never asked, a withdrawal cannot be overridden."""
    current = current_consents(case)
    return [p for p in purposes if p in current and current[p].withdrawn_at is not None]


def refused_consents(case: Case, purposes: list[str]) -> list[str]:
    """The purposes among ``purposes`` whose latest decision is a no: refused, or agreed and
    then withdrawn. A purpose never asked is not among them."""
    current = current_consents(case)
    return [p for p in purposes if p in current and not current[p].is_active]
