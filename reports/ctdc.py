"""The de-identified export in the exact shape of the CTDC Global Synthetic Data Codebook v2
(Counter Trafficking Data Collaborative, February 2024): its 27 variables, in its order, with
its names and value domains, so CTDC's pipeline loads the file unchanged.

What goes out: categories only — year of registration, gender, age band, citizenship, country
of exploitation, duration band and 0/1 flags. Never a name, phone, document number, place,
free text, date of birth or exact date. Before release the rows are made k-anonymous over
**all 27 released variables** (``anonymise``). See docs/reporting.md for the mapping and the
method.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import ExtractYear, TruncDate
from django_countries import countries

from cases.models import Case, CaseExploitation, Consent
from cases.vocab import ConsentPurpose, ExploitationType, Gender, Sex
from standards import htcds

from .selectors import Filters, visible_cases, with_age_band

EMPTY = ""  # the codebook's missing value, and a flag's "no"
FLAG = 1

# ageBroad (age at registration), the codebook's bands: (label, lowest, highest).
AGE_BROAD: tuple[tuple[str, int, int | None], ...] = (
    ("0--8", 0, 8),
    ("09--17", 9, 17),
    ("18--20", 18, 20),
    ("21--23", 21, 23),
    ("24--26", 24, 26),
    ("27--29", 27, 29),
    ("30--38", 30, 38),
    ("39--47", 39, 47),
    ("48+", 48, None),
)
# traffickMonths, the codebook's bands, written as in CTDC's released file.
TRAFFICK_MONTHS: tuple[tuple[str, int, int | None], ...] = (
    ("0--12 (0-1 yr)", 0, 12),
    ("13--24 (1-2 yrs)", 13, 24),
    ("25+ (2+ yrs)", 25, None),
)
GENDERS = ("Man", "Woman", "Trans/Transgender/NonConforming")

# The merged flags of the codebook, from HTCDS 2.0 codes (standards.htcds).
MEANS: dict[str, frozenset[str]] = {
    "meansDebtBondageEarnings": frozenset({"DebtBondage", "TakesEarnings"}),
    "meansThreats": frozenset(
        {"PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily"}
    ),
    "meansAbusePsyPhySex": frozenset({"PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"}),
    "meansFalsePromises": frozenset({"FalsePromises"}),
    "meansDrugsAlcohol": frozenset({"PsychoactiveSubstance"}),
    "meansDenyBasicNeeds": frozenset({"WithholdsNecessities", "RestrictsMedicalCare"}),
    "meansExcessiveWorkHours": frozenset({"ExcessiveWorkingHours"}),
    "meansWithholdDocs": frozenset({"WithholdsDocuments"}),
}
EXPLOITS: dict[str, frozenset[str]] = {
    "isForcedLabour": frozenset({"ForcedLabour", "ChildLabour", "ForcedBegging"}),
    "isSexualExploit": frozenset({"SexualExploitation"}),
    "isOtherExploit": frozenset(
        {
            "ForcedMarriage",
            "Servitude",
            "ForcedMilitaryByNonStateActors",
            "OrganRemoval",
            "ForcedAdoption",
            "Surrogacy",
            "Other",
        }
    ),
}
# typeOfLabour* from the ISIC Rev. 4 industry (Homeward values: ISIC codes).
LABOUR: dict[str, frozenset[str]] = {
    "typeOfLabourAgriculture": frozenset({"A", "01", "02"}),
    "typeOfLabourConstruction": frozenset({"F"}),
    "typeOfLabourDomesticWork": frozenset({"T", "97"}),
    "typeOfLabourHospitality": frozenset({"I"}),
}
SEX: dict[str, frozenset[str]] = {
    "typeOfSexProstitution": frozenset({"Prostitution"}),
    "typeOfSexPornography": frozenset({"Pornography"}),
}
RECRUITER: dict[str, frozenset[str]] = {
    "recruiterRelationIntimatePartner": frozenset({"intimate_partner"}),
    "recruiterRelationFriend": frozenset({"friend"}),
    "recruiterRelationFamily": frozenset({"family"}),
    "recruiterRelationOther": frozenset({"acquaintance", "broker", "employer"}),
}

# The codebook's 27 variables, in its order.
HEADERS: list[str] = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    *MEANS,
    *EXPLOITS,
    *LABOUR,
    *SEX,
    *RECRUITER,
]
FLAGS: tuple[str, ...] = tuple(HEADERS[6:])

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


def band(value: int | None, bands: tuple[tuple[str, int, int | None], ...]) -> str:
    if value is None or value < 0:
        return EMPTY
    for label, low, high in bands:
        if value >= low and (high is None or value <= high):
            return label
    return EMPTY


def ctdc_gender(gender: str, sex: str) -> str:
    """Gender as recorded (HTCDS), else the sex CTDC itself falls back to; else missing."""
    if gender in (Gender.MASCULINE,):
        return "Man"
    if gender in (Gender.FEMININE,):
        return "Woman"
    if gender in (
        Gender.TRANSGENDER_FEMININE,
        Gender.TRANSGENDER_MASCULINE,
        Gender.NON_CONFORMING,
    ):
        return "Trans/Transgender/NonConforming"
    return {Sex.MALE: "Man", Sex.FEMALE: "Woman"}.get(sex, EMPTY)  # type: ignore[call-overload]


def alpha3(code: Any) -> str:
    """ISO 3166-1 alpha-3 of a stored alpha-2 code; missing when none."""
    return countries.alpha3(str(code)) or EMPTY if code else EMPTY


def record_for(r: dict[str, Any], types: list[str]) -> dict[str, Any]:
    """One codebook record from a case's categorical values (``r``) and exploitation types."""
    citizenship = EMPTY if r["stateless"] else alpha3(r["nationality"] or r["origin"])
    control = set(htcds.codes("vic_MethodsOfControl", r["means_of_control"] or []))
    exploits = set(htcds.codes("vic_TypeOfExploitation", types))
    sex_types = set(htcds.codes("vic_TypeOfSexExploitation", r["sex_exploitation_types"] or []))
    months = htcds.exploitation_months(r["started"], r["ended"], r["registered"])
    record: dict[str, Any] = {
        "yearOfRegistration": r["year"],
        "gender": ctdc_gender(r["gender"] or "", r["sex"] or ""),
        "ageBroad": band(r["age"], AGE_BROAD),
        "citizenship": citizenship,
        "CountryOfExploitation": alpha3(r["exploitation_country"]),
        "traffickMonths": band(months, TRAFFICK_MONTHS),
    }

    def flags(columns: dict[str, frozenset[str]], have: set[str]) -> None:
        for column, wanted in columns.items():
            record[column] = FLAG if wanted & have else EMPTY

    flags(MEANS, control)
    flags(EXPLOITS, exploits)
    flags(LABOUR, {r["industry"]} if r["industry"] else set())
    flags(SEX, sex_types)
    flags(RECRUITER, {r["recruiter_relation"]} if r["recruiter_relation"] else set())
    return record


def _records(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """One codebook record per consented, visible case (one query; the exploitation types as
    one EXISTS per type, portable to the SQLite of `make run`)."""
    qs = with_age_band(consented(visible_cases(user, filters)))
    has_type = {
        f"x_{v}": Exists(CaseExploitation.objects.filter(case=OuterRef("pk"), type=v))
        for v in ExploitationType.values
    }
    rows = list(
        qs.annotate(
            **has_type,
            year=ExtractYear("created_at"),
            registered=TruncDate("created_at"),
            age=F("_age"),
            sex=F("person__sex"),
            gender=F("person__gender"),
            nationality=F("person__nationality"),
            stateless=F("person__stateless"),
            origin=F("country_of_origin"),
            exploitation_country=F("country_of_exploitation"),
            started=F("exploitation_started_on"),
            ended=F("exploitation_ended_on"),
        )
        .order_by("pk")
        .values(
            "pk",
            "year",
            "registered",
            "age",
            "sex",
            "gender",
            "nationality",
            "stateless",
            "origin",
            "exploitation_country",
            "started",
            "ended",
            "means_of_control",
            "sex_exploitation_types",
            "industry",
            "recruiter_relation",
            *has_type,
        )
    )
    return [record_for(r, [v for v in ExploitationType.values if r[f"x_{v}"]]) for r in rows]


def _key(record: dict[str, Any]) -> tuple:
    return tuple(record[h] for h in HEADERS)


def _common(cluster: list[dict[str, Any]]) -> dict[str, Any]:
    """The cluster's generalisation: a value kept where every member has it, else missing."""
    first = cluster[0]
    return {h: first[h] if all(r[h] == first[h] for r in cluster) else EMPTY for h in HEADERS}


def _cost(common: dict[str, Any], record: dict[str, Any]) -> int:
    """Values that adding ``record`` to a cluster with these common values would blank."""
    return sum(1 for h in HEADERS if common[h] != EMPTY and common[h] != record[h])


# How far ahead in the sorted list a cluster looks for its closest members.
WINDOW = 200


def anonymise(records: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    """k-anonymity over all released variables: in the result, every combination of all 27
    values is shared by at least ``k`` rows. Missing (empty) is a value like any other.

    1. Records whose full combination already occurs ``k`` times or more are released as they
       are.
    2. Generalisation: the others are grouped, in a stable order that puts similar records
       side by side, into clusters of at least ``k`` (each cluster takes, from the next
       ``WINDOW`` records, the one that would blank the fewest values); every value on which a
       cluster's members disagree becomes missing (the codebook's empty), so the members are
       identical. Fewer than ``k`` left over join the clusters that cost them least.
    3. Suppression: if fewer than ``k`` records need it and no cluster can be formed among
       them, they join the released group closest to them (that group's differing values
       become missing). With fewer than ``k`` records in all, nothing is released.

    Whole values are suppressed to empty; never a "suppressed" token, never a row dropped
    unless the whole export has fewer than ``k`` rows. ``k <= 1`` releases the records as they
    are.
    """
    if k <= 1:
        return [dict(r) for r in records]
    if len(records) < k:
        return []
    sizes = Counter(_key(r) for r in records)
    safe = [r for r in records if sizes[_key(r)] >= k]
    small = sorted((r for r in records if sizes[_key(r)] < k), key=_sort_key)
    if not small:
        return [dict(r) for r in records]
    clusters: list[list[dict[str, Any]]] = []
    while len(small) >= k:
        cluster = [small.pop(0)]
        common = dict(cluster[0])
        while len(cluster) < k:
            window = small[:WINDOW]
            best = min(range(len(window)), key=lambda i: _cost(common, window[i]))
            cluster.append(small.pop(best))
            common = _common(cluster)
        clusters.append(cluster)
    if not clusters:
        # Fewer than k records to hide and no cluster of them: they join the released
        # group (identical records) closest to them, as one cluster.
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for r in safe:
            groups.setdefault(_key(r), []).append(r)
        target = min(groups.values(), key=lambda g: sum(_cost(g[0], r) for r in small))
        safe = [r for r in safe if _key(r) != _key(target[0])]
        clusters.append(target + small)
        small = []
    for r in small:
        best_cluster = min(clusters, key=lambda c: _cost(_common(c), r) * (len(c) + 1))
        best_cluster.append(r)
    released = [dict(r) for r in safe]
    for cluster in clusters:
        common = _common(cluster)
        released.extend(dict(common) for _ in cluster)
    return released


def _sort_key(record: dict[str, Any]) -> tuple:
    return tuple(str(record[h]) for h in HEADERS)


def rows(user: Any, filters: Filters, k: int | None = None) -> list[list[Any]]:
    """The export's data rows (header not included), k-anonymous and neutralised."""
    if k is None:
        k = settings.REPORTS_MIN_CELL
    released = anonymise(_records(user, filters), k)
    released.sort(key=_sort_key)  # no order that could follow the registration order
    return [[neutralise(r[h]) for h in HEADERS] for r in released]


def to_csv(data: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 without a byte-order mark, as CTDC loads it (values are ASCII anyway)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(data)
    return out.getvalue().encode("utf-8")


def to_xlsx(data: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("victims")
    ws.append(HEADERS)
    for row in data:
        ws.append([None if v == EMPTY else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
