"""The de-identified CTDC export: shape, consent, suppression, no identity, no formulas,
audit."""

import codecs
import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as ctdc_settings
from django.utils import timezone
from django_countries import countries
from openpyxl import load_workbook

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import Case, Consent
from cases.vocab import (
    ConsentMethod,
    ConsentPurpose,
    ExploitationType,
    Gender,
    Industry,
    MeansOfControl,
    Sex,
)
from partners.models import User
from reports import ctdc
from reports.selectors import Filters

from .conftest import build_case

pytestmark = pytest.mark.django_db

EXPORT = "/reports/export/"


def parse_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def export(client, fmt="csv", **filters):
    response = client.post(EXPORT, {"format": fmt, **filters})
    assert response.status_code == 200, response.content
    return response


def group(org, by, n, **facts):
    return [build_case(org, by, statistics=True, **facts) for _ in range(n)]


MEN_IN_MY = {"sex": Sex.MALE, "age": 30, "nationality": "KH", "country_of_exploitation": "MY"}
WOMEN_IN_TH = {"sex": Sex.FEMALE, "age": 20, "nationality": "LA", "country_of_exploitation": "TH"}

# --- the codebook -------------------------------------------------------------------------
# Written from the CTDC Global Synthetic Data Codebook v2 (Counter Trafficking Data
# Collaborative, February 2024), as quoted in issue 27 and as read by tools built on the 2024
# release (variable list and value labels of its CSV): 27 variables in this order; flags are
# 1 or empty; missing is empty.
CODEBOOK_VARIABLES = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
]
GENDER = {"Man", "Woman", "Trans/Transgender/NonConforming"}
AGE_BROAD = {"0--8", "09--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}
TRAFFICK_MONTHS = {"0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)"}
ISO_ALPHA3 = {countries.alpha3(code) for code, _name in countries}


def domain_errors(row: dict[str, str]) -> list[str]:
    """Every value of a CSV row outside the codebook's domain of its variable."""
    errors = []

    def check(name, ok):
        if row[name] != "" and not ok(row[name]):
            errors.append(f"{name}={row[name]!r}")

    check("yearOfRegistration", lambda v: v.isdigit() and 2000 <= int(v) <= 2100)
    check("gender", GENDER.__contains__)
    check("ageBroad", AGE_BROAD.__contains__)
    check("citizenship", ISO_ALPHA3.__contains__)
    check("CountryOfExploitation", ISO_ALPHA3.__contains__)
    check("traffickMonths", TRAFFICK_MONTHS.__contains__)
    for flag in CODEBOOK_VARIABLES[6:]:
        check(flag, lambda v: v == "1")
    return errors


def assert_loads_as_codebook(content: bytes) -> list[dict[str, str]]:
    assert not content.startswith(codecs.BOM_UTF8), "the CSV has no byte-order mark"
    text = content.decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == CODEBOOK_VARIABLES
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    for row in rows:
        assert domain_errors(row) == [], row
    return rows


def assert_k_anonymous(rows: list[dict[str, str]], k: int) -> None:
    sizes = Counter(tuple(r[v] for v in CODEBOOK_VARIABLES) for r in rows)
    assert min(sizes.values(), default=k) >= k, sizes


def test_headers_are_the_codebook_variables():
    assert ctdc.HEADERS == CODEBOOK_VARIABLES
    assert len(ctdc.HEADERS) == 27


def test_one_row_per_victim_in_the_codebook_at_k1(client, settings, coordinator, org, caseworker):
    """k=1: nothing generalised; every value exactly as the codebook encodes it."""
    settings.REPORTS_MIN_CELL = 1
    today = timezone.localdate()
    build_case(
        org,
        caseworker,
        statistics=True,
        **MEN_IN_MY,
        industry=Industry.MARINE_FISHING,
        recruiter_relation="broker",
        means_of_control=[
            MeansOfControl.DEBT_BONDAGE,
            MeansOfControl.WITHHELD_DOCUMENTS,
            MeansOfControl.THREATENS_CHILDREN_FAMILY,
        ],
        exploitation=[ExploitationType.FORCED_LABOUR],
        exploitation_started_on=today - timedelta(days=400),
    )
    build_case(
        org,
        caseworker,
        statistics=True,
        **WOMEN_IN_TH,
        industry=Industry.HOSPITALITY,
        recruiter_relation="intimate_partner",
        sex_exploitation_types=["prostitution"],
        means_of_control=[
            MeansOfControl.PSYCHOLOGICAL_ABUSE,
            MeansOfControl.RESTRICTS_MEDICAL_CARE,
        ],
        exploitation=[ExploitationType.SEXUAL, ExploitationType.FORCED_MARRIAGE],
    )
    stateless = build_case(org, caseworker, statistics=True, sex=Sex.UNKNOWN, age=None)
    stateless.person.stateless = True
    stateless.person.gender = Gender.NON_CONFORMING
    stateless.person.save()
    client.force_login(coordinator)
    rows = assert_loads_as_codebook(export(client).content)
    assert len(rows) == 3
    by_gender = {r["gender"]: r for r in rows}
    man, woman, other = (
        by_gender["Man"],
        by_gender["Woman"],
        by_gender["Trans/Transgender/NonConforming"],
    )
    assert man["yearOfRegistration"] == str(today.year)
    assert man["ageBroad"] == "30--38"
    assert man["citizenship"] == "KHM"
    assert man["CountryOfExploitation"] == "MYS"
    assert man["traffickMonths"] == "13--24 (1-2 yrs)"
    on = {v for v in CODEBOOK_VARIABLES[6:] if man[v] == "1"}
    assert on == {
        "meansDebtBondageEarnings",
        "meansWithholdDocs",
        "meansThreats",
        "isForcedLabour",
        "recruiterRelationOther",
    }
    assert woman["ageBroad"] == "18--20"
    assert woman["citizenship"] == "LAO" and woman["CountryOfExploitation"] == "THA"
    assert woman["traffickMonths"] == ""
    assert {v for v in CODEBOOK_VARIABLES[6:] if woman[v] == "1"} == {
        "meansAbusePsyPhySex",
        "meansDenyBasicNeeds",
        "isSexualExploit",
        "isOtherExploit",
        "typeOfLabourHospitality",
        "typeOfSexProstitution",
        "recruiterRelationIntimatePartner",
    }
    # stateless, no age, nothing recorded: missing is empty, never "unknown"
    assert [other[v] for v in CODEBOOK_VARIABLES[2:]] == [""] * 25


def test_default_k_export_is_k_anonymous_over_every_variable(client, coordinator, org, caseworker):
    """The default k (settings.REPORTS_MIN_CELL = 5): codebook domains still hold, every
    combination of the 27 values is shared by at least k rows, no row is lost."""
    assert ctdc_settings.REPORTS_MIN_CELL == 5
    group(org, caseworker, 6, **MEN_IN_MY, industry=Industry.CONSTRUCTION)
    group(org, caseworker, 3, **WOMEN_IN_TH, exploitation=[ExploitationType.SEXUAL])
    group(org, caseworker, 2, **{**WOMEN_IN_TH, "nationality": "MM"})
    build_case(org, caseworker, statistics=True, **{**MEN_IN_MY, "age": 61})
    client.force_login(coordinator)
    rows = assert_loads_as_codebook(export(client).content)
    assert len(rows) == 12
    assert_k_anonymous(rows, 5)
    # the six alike men are released as they are
    men = [r for r in rows if r["typeOfLabourConstruction"] == "1"]
    assert len(men) == 6
    assert {(r["gender"], r["ageBroad"], r["citizenship"]) for r in men} == {
        ("Man", "30--38", "KHM")
    }
    # the six others form one generalised group: what they share is kept (country of
    # exploitation), what they do not is empty — never a "suppressed" token
    rest = [r for r in rows if r not in men]
    assert len(rest) == 6
    assert all(r["yearOfRegistration"] == str(timezone.localdate().year) for r in rest)
    assert "suppressed" not in export(client).content.decode()


def test_demo_volumes_are_not_blanked_pointlessly(settings):
    """seed_demo's consented cases: k-anonymous at the default k; only values on which a
    group's members differ are blanked (everything the records share is kept), and a smaller
    k keeps more."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    coordinator = User.objects.filter(role="coordinator", organization__code="ppcare").first()
    records = ctdc._records(coordinator, Filters.default())
    assert len(records) >= 5

    def kept(rows):
        return sum(1 for r in rows for h in ctdc.HEADERS if r[h] != "")

    released = ctdc.anonymise(records, 5)
    assert len(released) == len(records)
    sizes = Counter(tuple(r[h] for h in ctdc.HEADERS) for r in released)
    assert min(sizes.values()) >= 5
    for h in ctdc.HEADERS:
        shared = {r[h] for r in records}
        if len(shared) == 1:
            assert {r[h] for r in released} == shared, h
    assert all(r["yearOfRegistration"] != "" for r in released)
    assert kept(records) > kept(ctdc.anonymise(records, 2)) > kept(released) > 0


def test_anonymise_guarantees_k_on_any_data():
    import random

    rng = random.Random(7)
    records = [
        {
            h: rng.choice(["", 1]) if h in ctdc.FLAGS else rng.choice(["a", "b", "c", ""])
            for h in ctdc.HEADERS
        }
        for _ in range(137)
    ]
    for k in (2, 5, 11):
        released = ctdc.anonymise(records, k)
        assert len(released) == len(records)
        sizes = Counter(tuple(r[h] for h in ctdc.HEADERS) for r in released)
        assert min(sizes.values()) >= k
        # generalisation only: a released value is the record's own or empty
    assert ctdc.anonymise(records[:4], 5) == []
    assert ctdc.anonymise(records, 1) == records


def test_no_identity_in_headers_or_bytes(client, coordinator, org, caseworker):
    cases = group(org, caseworker, 5, **MEN_IN_MY)
    for c in cases:
        c.current_place = "Pier 4, Kuala Terengganu"
        c.save(update_fields=["current_place"])
    person = cases[0].person
    person.date_of_birth = timezone.localdate() - timedelta(days=365 * 30 + 40)
    person.document_number = "N1234567"
    person.save()
    client.force_login(coordinator)
    for fmt in ("csv", "xlsx"):
        content = export(client, fmt).content
        if fmt == "xlsx":
            ws = load_workbook(io.BytesIO(content)).active
            text = "\n".join(
                ",".join("" if v is None else str(v) for v in row)
                for row in ws.iter_rows(values_only=True)
            ).encode()
        else:
            text = content
        lowered = text.decode("utf-8-sig").lower()
        header = lowered.splitlines()[0]
        assert header.split(",") == [h.lower() for h in ctdc.HEADERS]
        for word in (
            "name",
            "phone",
            "birth",
            "dob",
            "documentnumber",
            "place",
            "note",
            "date",
            "reference",
            "pseudonym",
            "summary",
            "address",
            "contact",
        ):
            assert word not in header
        for c in cases:
            for secret in (
                c.person.given_name,
                c.person.family_name,
                c.person.given_name_latin,
                c.person.family_name_latin,
                "85512345678",
                c.reference,
                c.pseudonym,
            ):
                assert secret.lower() not in lowered
        assert "n1234567" not in lowered
        assert "terengganu" not in lowered
        assert person.date_of_birth.isoformat() not in lowered
        assert timezone.localdate().isoformat() not in lowered


def test_min_cell_is_a_setting(settings, coordinator, org, caseworker):
    settings.REPORTS_MIN_CELL = 3
    group(org, caseworker, 3, **WOMEN_IN_TH)
    rows = ctdc.rows(coordinator, Filters.default())
    assert [r[ctdc.HEADERS.index("gender")] for r in rows] == ["Woman"] * 3
    assert ctdc.rows(coordinator, Filters.default(), k=4) == []  # fewer rows than k


def test_only_cases_consented_to_statistics(coordinator, org, caseworker):
    now = timezone.now()
    group(org, caseworker, 5, **MEN_IN_MY)  # consented
    build_case(org, caseworker, **MEN_IN_MY)  # never asked
    build_case(org, caseworker, statistics=False, **MEN_IN_MY)  # refused
    withdrawn = build_case(org, caseworker, statistics=True, **MEN_IN_MY)
    Consent.objects.filter(case=withdrawn).update(withdrawn_at=now)
    changed_mind = build_case(org, caseworker, statistics=True, **MEN_IN_MY)
    Consent.objects.create(
        case=changed_mind,
        purpose=ConsentPurpose.STATISTICS,
        granted=False,
        method=ConsentMethod.VERBAL,
        given_at=now,
    )
    agreed_later = build_case(org, caseworker, statistics=False, **MEN_IN_MY)
    Consent.objects.create(
        case=agreed_later,
        purpose=ConsentPurpose.STATISTICS,
        granted=True,
        method=ConsentMethod.VERBAL,
        given_at=now,
    )
    # another purpose is not consent to statistics
    other_purpose = build_case(org, caseworker, **MEN_IN_MY)
    Consent.objects.create(
        case=other_purpose,
        purpose=ConsentPurpose.REPATRIATION,
        granted=True,
        method=ConsentMethod.VERBAL,
    )
    assert len(ctdc.rows(coordinator, Filters.default())) == 6


def test_export_counts_only_what_the_organisation_may_see(
    coordinator, org, other_org, caseworker, other_caseworker
):
    group(org, caseworker, 4, **MEN_IN_MY)
    group(other_org, other_caseworker, 3, **MEN_IN_MY)  # not visible
    shared = build_case(other_org, other_caseworker, statistics=True, **MEN_IN_MY)
    access.grant(shared, org, [access.VIEW])
    assert len(ctdc.rows(coordinator, Filters.default())) == 5


def test_formula_injection_is_neutralised(client, coordinator, org, caseworker):
    cases = group(org, caseworker, 5, **MEN_IN_MY)
    # Data that slipped past validation (an import, a bad migration) must not run as a formula:
    # only codebook values are written, so it cannot even reach the file.
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        industry="=1+2", recruiter_relation="@SUM(1+1)", means_of_control=["=cmd|x"]
    )
    client.force_login(coordinator)
    content = export(client).content
    assert_loads_as_codebook(content)
    for bad in (b"=", b"@", b"cmd"):
        assert bad not in content
    ws = load_workbook(io.BytesIO(export(client, "xlsx").content)).active
    for row in ws.iter_rows(values_only=True):
        assert not any(isinstance(v, str) and v.startswith(ctdc.FORMULA_STARTS) for v in row)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_every_formula_start(start):
    assert ctdc.neutralise(start + "1+1") == "'" + start + "1+1"


def test_neutralise_leaves_plain_values():
    assert ctdc.neutralise("30--38") == "30--38"
    assert ctdc.neutralise(1) == 1
    assert ctdc.neutralise(2026) == 2026


def test_xlsx_export(client, coordinator, org, caseworker):
    group(org, caseworker, 5, **MEN_IN_MY)
    client.force_login(coordinator)
    response = export(client, "xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == ctdc.HEADERS
    assert len(values) == 6
    assert values[1][0] == timezone.localdate().year  # a number, not text


def test_every_export_is_an_audit_event(client, coordinator, org, caseworker):
    group(org, caseworker, 5, **MEN_IN_MY)
    client.force_login(coordinator)
    export(client, "csv")
    export(client, "xlsx")
    events = AccessEvent.objects.filter(action=AuditAction.EXPORT_REQUESTED).order_by("id")
    assert [e.detail for e in events] == [
        {"kind": "ctdc", "format": "csv", "rows": 5},
        {"kind": "ctdc", "format": "xlsx", "rows": 5},
    ]
    assert all(e.actor_id == coordinator.pk for e in events)
    assert all(e.organization_id == org.pk for e in events)


def test_export_follows_the_filters(client, coordinator, org, caseworker):
    group(org, caseworker, 5, **MEN_IN_MY)
    group(org, caseworker, 5, **WOMEN_IN_TH)
    client.force_login(coordinator)
    rows = parse_csv(export(client, country="TH").content)
    assert {r["CountryOfExploitation"] for r in rows} == {"THA"}
    assert len(rows) == 5


def test_unknown_format_or_bad_filters_are_refused(client, coordinator):
    client.force_login(coordinator)
    assert client.post(EXPORT, {"format": "pdf"}).status_code == 400
    assert client.post(EXPORT, {"format": "csv", "date_from": "nope"}).status_code == 400
    assert client.get(EXPORT).status_code == 405
    assert not AccessEvent.objects.filter(action=AuditAction.EXPORT_REQUESTED).exists()


def test_demo_seed_records_statistics_consent_once(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    statistics = Consent.objects.filter(purpose=ConsentPurpose.STATISTICS)
    n = statistics.count()
    assert n == Case.objects.count() > 0
    call_command("seed_demo")
    assert statistics.count() == n
