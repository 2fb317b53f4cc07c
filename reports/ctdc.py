"""The de-identified export, one row per victim in the shape of the CTDC data standard
(Counter Trafficking Data Collaborative), with small-cell suppression.

What goes out: categories only — year of registration, gender, age band, citizenship, country
of exploitation, duration band, flags, labour sector, recruiter relation. Never a name, phone,
document number, place, free text, date of birth or exact date. See docs/reporting.md for the
mapping and the suppression method.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from cases.models import Case, CaseExploitation, Consent
from cases.vocab import ConsentPurpose, ExploitationType, MeansOfControl

from .selectors import Filters, visible_cases, with_age_band

UNKNOWN = "unknown"
SUPPRESSED = "suppressed"

# CTDC column names where the standard has the category; ours otherwise, in the same style.
MEANS_OF_CONTROL_COLUMNS: dict[str, str] = {
    MeansOfControl.DEBT_BONDAGE: "meansOfControlDebtBondage",
    MeansOfControl.WITHHELD_DOCUMENTS: "meansOfControlWithholdsDocuments",
    MeansOfControl.WITHHELD_WAGES: "meansOfControlTakesEarnings",
    MeansOfControl.THREATS: "meansOfControlThreats",
    MeansOfControl.THREATS_LAW_ENFORCEMENT: "meansOfControlThreatOfLawEnforcement",
    MeansOfControl.PHYSICAL_VIOLENCE: "meansOfControlPhysicalAbuse",
    MeansOfControl.SEXUAL_VIOLENCE: "meansOfControlSexualAbuse",
    MeansOfControl.DRUGS_ALCOHOL: "meansOfControlPsychoactiveSubstances",
    MeansOfControl.RESTRICTED_MOVEMENT: "meansOfControlRestrictsMovement",
    MeansOfControl.DENIED_NEEDS: "meansOfControlWithholdsNecessities",
    MeansOfControl.EXCESSIVE_HOURS: "meansOfControlExcessiveWorkingHours",
    MeansOfControl.FALSE_PROMISES: "meansOfControlFalsePromises",
    MeansOfControl.OTHER: "meansOfControlOther",
}
EXPLOITATION_COLUMNS: dict[str, str] = {
    ExploitationType.FORCED_LABOUR: "isForcedLabour",
    ExploitationType.SEXUAL: "isSexualExploit",
    ExploitationType.CHILD_LABOUR: "isChildLabour",
    ExploitationType.FORCED_MARRIAGE: "isForcedMarriage",
    ExploitationType.SERVITUDE: "isSlaveryAndPractices",
    ExploitationType.FORCED_BEGGING: "isForcedBegging",
    ExploitationType.FORCED_CRIMINALITY: "isForcedCriminality",
    ExploitationType.ORGAN_REMOVAL: "isOrganRemoval",
    ExploitationType.OTHER: "isOtherExploit",
}

QUASI_IDENTIFIERS = ("ageBroad", "gender", "citizenship", "CountryOfExploitation")

HEADERS: list[str] = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickingDurationBand",
    *[MEANS_OF_CONTROL_COLUMNS[v] for v in MeansOfControl.values],
    *[EXPLOITATION_COLUMNS[v] for v in ExploitationType.values],
    "typeOfLabour",
    "RecruiterRelationship",
]

# Characters a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell that cannot run as a formula: text starting with = + - @ tab or CR gets a
    leading quote. Numbers are left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def consented(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Only cases whose person's latest decision on anonymised statistics is a yes that was not
    withdrawn (cases.consent.has_consent, in the database: one correlated subquery)."""
    latest = Consent.objects.filter(
        case=OuterRef("pk"), purpose=ConsentPurpose.STATISTICS
    ).order_by("-given_at", "-id")[:1]
    return qs.alias(
        _stat_granted=Subquery(latest.values("granted")),
        _stat_withdrawn_at=Subquery(latest.values("withdrawn_at")),
    ).filter(_stat_granted=True, _stat_withdrawn_at__isnull=True)


def _records(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """One dict per consented, visible case, with only categorical values (one query)."""
    qs = with_age_band(consented(visible_cases(user, filters)))
    flags = {
        f"x_{v}": Exists(CaseExploitation.objects.filter(case=OuterRef("pk"), type=v))
        for v in ExploitationType.values
    }
    rows = (
        qs.annotate(year=ExtractYear("created_at"), sex=F("person__sex"), **flags)
        .order_by("pk")
        .values(
            "year",
            "sex",
            "age_band",
            "person__nationality",
            "person__stateless",
            "country_of_origin",
            "country_of_exploitation",
            "means_of_control",
            "industry",
            "recruiter_relation",
            *flags,
        )
    )
    records = []
    for r in rows:
        if r["person__stateless"]:
            citizenship = "stateless"
        else:
            citizenship = r["person__nationality"] or r["country_of_origin"] or UNKNOWN
        control = set(r["means_of_control"] or [])
        record: dict[str, Any] = {
            "yearOfRegistration": r["year"],
            "gender": r["sex"] or UNKNOWN,
            "ageBroad": r["age_band"],
            "citizenship": str(citizenship),
            "CountryOfExploitation": str(r["country_of_exploitation"] or UNKNOWN),
            # Homeward records no start or end of the exploitation: see docs/reporting.md.
            "traffickingDurationBand": UNKNOWN,
        }
        for value in MeansOfControl.values:
            record[MEANS_OF_CONTROL_COLUMNS[value]] = int(value in control)
        for value in ExploitationType.values:
            record[EXPLOITATION_COLUMNS[value]] = int(bool(r[f"x_{value}"]))
        record["typeOfLabour"] = r["industry"] or UNKNOWN
        record["RecruiterRelationship"] = r["recruiter_relation"] or UNKNOWN
        records.append(record)
    return records


def suppress(records: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    """Small-cell suppression on the quasi-identifiers (age band, gender, citizenship, country
    of exploitation).

    1. A record whose combination is shared by fewer than ``k`` records has all four
       quasi-identifiers replaced by "suppressed" (its flags and sector still count).
    2. If the suppressed records together are fewer than ``k``, they are dropped: a small
       "suppressed" group would again be a small cell.
    """

    def key(r: dict[str, Any]) -> tuple:
        return tuple(r[q] for q in QUASI_IDENTIFIERS)

    sizes = Counter(key(r) for r in records)
    kept, blanked = [], []
    for r in records:
        if sizes[key(r)] >= k:
            kept.append(r)
        else:
            blanked.append({**r, **dict.fromkeys(QUASI_IDENTIFIERS, SUPPRESSED)})
    if len(blanked) >= k:
        kept.extend(blanked)
    return kept


def rows(user: Any, filters: Filters) -> list[list[Any]]:
    """The export's data rows (header not included), suppressed and neutralised."""
    k = getattr(settings, "REPORTS_MIN_CELL", 5)
    return [[neutralise(r[h]) for h in HEADERS] for r in suppress(_records(user, filters), k)]


def to_csv(data: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(data)
    # BOM: Excel then reads the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(data: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("victims")
    ws.append(HEADERS)
    for row in data:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
