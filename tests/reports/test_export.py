"""The de-identified CTDC export: shape, consent, suppression, no identity, no formulas,
audit."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import Case, Consent
from cases.vocab import ConsentMethod, ConsentPurpose, ExploitationType, MeansOfControl, Sex
from reports import ctdc
from reports.selectors import Filters

from .conftest import build_case

pytestmark = pytest.mark.django_db

EXPORT = "/reports/export/"


def parse_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def export(client, fmt="csv", **filters):
    response = client.post(EXPORT, {"format": fmt, **filters})
    assert response.status_code == 200, response.content
    return response


def group(org, by, n, **facts):
    return [build_case(org, by, statistics=True, **facts) for _ in range(n)]


MEN_IN_MY = {"sex": Sex.MALE, "age": 30, "nationality": "KH", "country_of_exploitation": "MY"}
WOMEN_IN_TH = {"sex": Sex.FEMALE, "age": 20, "nationality": "LA", "country_of_exploitation": "TH"}


def test_one_row_per_victim_with_ctdc_columns(client, coordinator, org, caseworker):
    group(
        org,
        caseworker,
        5,
        **MEN_IN_MY,
        industry="fishing",
        recruiter_relation="broker",
        means_of_control=[MeansOfControl.DEBT_BONDAGE, MeansOfControl.WITHHELD_DOCUMENTS],
        exploitation=[ExploitationType.FORCED_LABOUR],
    )
    client.force_login(coordinator)
    response = export(client)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = parse_csv(response.content)
    assert len(rows) == 5
    row = rows[0]
    assert list(row) == ctdc.HEADERS
    assert row["yearOfRegistration"] == str(timezone.localdate().year)
    assert row["gender"] == "male"
    assert row["ageBroad"] == "26-35"
    assert row["citizenship"] == "KH"
    assert row["CountryOfExploitation"] == "MY"
    assert row["traffickingDurationBand"] == "unknown"
    assert row["meansOfControlDebtBondage"] == "1"
    assert row["meansOfControlWithholdsDocuments"] == "1"
    assert row["meansOfControlThreats"] == "0"
    assert row["isForcedLabour"] == "1"
    assert row["isSexualExploit"] == "0"
    assert row["typeOfLabour"] == "fishing"
    assert row["RecruiterRelationship"] == "broker"


def test_a_column_for_every_means_of_control_and_exploitation_type():
    for value in MeansOfControl.values:
        assert ctdc.MEANS_OF_CONTROL_COLUMNS[value] in ctdc.HEADERS
    for value in ExploitationType.values:
        assert ctdc.EXPLOITATION_COLUMNS[value] in ctdc.HEADERS
    assert len(set(ctdc.HEADERS)) == len(ctdc.HEADERS)


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


def test_group_of_four_is_suppressed_group_of_five_is_not(coordinator, org, caseworker):
    group(org, caseworker, 5, **MEN_IN_MY)
    group(org, caseworker, 4, **WOMEN_IN_TH)
    rows = ctdc.rows(coordinator, Filters.default())
    keys = [tuple(r[ctdc.HEADERS.index(q)] for q in ctdc.QUASI_IDENTIFIERS) for r in rows]
    assert keys.count(("26-35", "male", "KH", "MY")) == 5
    # The four women share a combination with fewer than 5 records: not shown with it; and
    # four "suppressed" rows would be a small cell again, so they are left out.
    assert ("18-25", "female", "LA", "TH") not in keys
    assert len(rows) == 5


def test_suppressed_rows_stay_when_they_are_not_a_small_cell_themselves(
    coordinator, org, caseworker
):
    group(org, caseworker, 5, **MEN_IN_MY)
    group(org, caseworker, 3, **WOMEN_IN_TH, exploitation=[ExploitationType.SEXUAL])
    group(org, caseworker, 3, **{**WOMEN_IN_TH, "nationality": "MM"})
    rows = ctdc.rows(coordinator, Filters.default())
    assert len(rows) == 11
    suppressed = [r for r in rows if r[ctdc.HEADERS.index("gender")] == "suppressed"]
    assert len(suppressed) == 6
    for r in suppressed:
        assert [r[ctdc.HEADERS.index(q)] for q in ctdc.QUASI_IDENTIFIERS] == ["suppressed"] * 4
    # their non-identifying facts still count
    assert sum(r[ctdc.HEADERS.index("isSexualExploit")] for r in suppressed) == 3


def test_min_cell_is_a_setting(settings, coordinator, org, caseworker):
    settings.REPORTS_MIN_CELL = 3
    group(org, caseworker, 3, **WOMEN_IN_TH)
    rows = ctdc.rows(coordinator, Filters.default())
    assert [r[ctdc.HEADERS.index("gender")] for r in rows] == ["female"] * 3


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
    # Data that slipped past validation (an import, a bad migration) must not run as a formula.
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        industry="=1+2", recruiter_relation="@SUM(1+1)"
    )
    client.force_login(coordinator)
    rows = parse_csv(export(client).content)
    assert {r["typeOfLabour"] for r in rows} == {"'=1+2"}
    assert {r["RecruiterRelationship"] for r in rows} == {"'@SUM(1+1)"}
    ws = load_workbook(io.BytesIO(export(client, "xlsx").content)).active
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("typeOfLabour") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_every_formula_start(start):
    assert ctdc.neutralise(start + "1+1") == "'" + start + "1+1"


def test_neutralise_leaves_plain_values():
    assert ctdc.neutralise("26-35") == "26-35"
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
    assert {r["CountryOfExploitation"] for r in rows} == {"TH"}
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
