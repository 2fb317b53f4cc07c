"""Homeward's vocabularies and HTCDS 2.0 (standards/htcds.py).

The HTCDS code lists are checked against the standard's own file: IOM HTCDS 2.0,
``HTCDS Field Standards 2.0.ods`` (github.com/UNMigration/HTCDS), sheet Field_Standards,
column "Value Names". The expected lists below were copied from that sheet.
"""

from datetime import date

import pytest

from cases.vocab import (
    CaseStatus,
    DecisionOrgKind,
    ExploitationType,
    Gender,
    Industry,
    MeansOfControl,
    RecruiterRelation,
    SexExploitationType,
    TraffickingStatus,
)
from referrals.models import ReferralService
from standards import htcds
from tests.factories import OrganizationFactory, make_case

# From the HTCDS 2.0 sheet (Value Names).
STANDARD = {
    "vic_MethodsOfControl": {
        "PhysicalThreats",
        "ThreatsLawEnforcement",
        "ThreatensChildrenFamily",
        "DebtBondage",
        "FalsePromises",
        "PhysicalAbuse",
        "SexualAbuse",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
        "PsychologicalAbuse",
        "PsychoactiveSubstance",
        "ExcessiveWorkingHours",
        "WithholdsDocuments",
        "Other",
    },
    "vic_TypeOfExploitation": {
        "ForcedLabour",
        "SexualExploitation",
        "ChildLabour",
        "ForcedMarriage",
        "Servitude",
        "ForcedMilitaryByNonStateActors",
        "OrganRemoval",
        "ForcedBegging",
        "ForcedAdoption",
        "Surrogacy",
        "Other",
    },
    "prs_Gender": {
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    },
    "cas_Status": {"Active", "FollowUp", "Closed", "ClosedReferred"},
}

VOCABULARIES = {
    "prs_Gender": Gender,
    "vic_TraffickingStatus": TraffickingStatus,
    "vic_TraffickingStatusDecisionMakingOrg": DecisionOrgKind,
    "vic_RelationshipToTrafficker": RecruiterRelation,
    "vic_MethodsOfControl": MeansOfControl,
    "vic_TypeOfExploitation": ExploitationType,
    "vic_ForcedLabourIndustry": Industry,
    "vic_TypeOfSexExploitation": SexExploitationType,
    "cas_Status": CaseStatus,
    "cas_ReasonForOutgoingReferral": ReferralService,
    "spl_Type": ReferralService,
}


def test_code_lists_are_the_standards():
    for field, values in STANDARD.items():
        assert set(htcds.CODE_LISTS[field]) == values, field
    assert len(htcds.CODE_LISTS["vic_ForcedLabourIndustry"]) == 21  # ISIC sections A-U
    assert [c[0] for c in htcds.CODE_LISTS["vic_ForcedLabourIndustry"]] == list(
        "ABCDEFGHIJKLMNOPQRSTU"
    )


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_vocabulary_value_maps_to_exactly_one_htcds_code(field):
    vocabulary, mapping = htcds.MAPPINGS[field]
    assert vocabulary is VOCABULARIES[field]
    # every value of the vocabulary, and nothing else, is mapped
    assert set(mapping) == set(vocabulary.values)
    for value in vocabulary.values:
        got = mapping[value]
        if value in htcds.NO_CODE.get(field, ()):
            assert got is None, (field, value)
        else:
            # exactly one code (a string, not a list), and a code of the standard's list
            assert isinstance(got, str), (field, value)
            assert got in htcds.CODE_LISTS[field], (field, value, got)
    # only the declared exceptions have no code
    assert {v for v, c in mapping.items() if c is None} == set(htcds.NO_CODE.get(field, ()))


@pytest.mark.parametrize(
    "field",
    [
        "prs_Gender",
        "vic_TraffickingStatus",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_RelationshipToTrafficker",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
    ],
)
def test_every_htcds_code_can_be_recorded(field):
    """The stored vocabularies cover the whole HTCDS list: nothing the standard can say is
    missing in Homeward."""
    _vocabulary, mapping = htcds.MAPPINGS[field]
    assert set(htcds.CODE_LISTS[field]) == set(mapping.values()) - {None}


def test_the_new_hTCDS_values_are_stored_vocabularies():
    assert {
        MeansOfControl.PSYCHOLOGICAL_ABUSE,
        MeansOfControl.RESTRICTS_FINANCIAL_ACCESS,
        MeansOfControl.RESTRICTS_MEDICAL_CARE,
        MeansOfControl.THREATENS_CHILDREN_FAMILY,
    } <= set(MeansOfControl.values)
    assert {
        ExploitationType.FORCED_MILITARY,
        ExploitationType.FORCED_ADOPTION,
        ExploitationType.SURROGACY,
        ExploitationType.SEXUAL,
    } <= set(ExploitationType.values)
    assert htcds.code("vic_ForcedLabourIndustry", Industry.MARINE_FISHING) == (
        "A_AgricultureForestryAndFishing"
    )
    assert Industry.MARINE_FISHING == "03.11"
    assert htcds.code("vic_ForcedLabourIndustry", Industry.DOMESTIC_WORK).startswith("T_")


def test_exploitation_months():
    registered = date(2026, 6, 1)
    assert htcds.exploitation_months(None, None, registered) is None
    assert htcds.exploitation_months(date(2025, 6, 1), None, registered) == 12
    assert htcds.exploitation_months(date(2025, 6, 2), None, registered) == 11
    assert htcds.exploitation_months(date(2024, 1, 15), date(2026, 2, 15), registered) == 25
    assert htcds.exploitation_months(date(2026, 7, 1), None, registered) is None


@pytest.mark.django_db
def test_case_to_htcds_row(org, caseworker):
    police = OrganizationFactory(kind="law_enforcement")
    case = make_case(
        org,
        by=caseworker,
        industry=Industry.MARINE_FISHING,
        means_of_control=[MeansOfControl.WITHHELD_WAGES, MeansOfControl.DEBT_BONDAGE],
        recruiter_relation=RecruiterRelation.BROKER,
        trafficking_status=TraffickingStatus.ACTUAL,
        trafficking_status_decided_by_org=police,
        country_of_exploitation="TH",
        exploitation_started_on=date(2025, 3, 1),
    )
    case.exploitations.create(type=ExploitationType.FORCED_CRIMINALITY)
    case.exploitations.create(type=ExploitationType.FORCED_LABOUR)
    row = htcds.case_to_row(case, with_identity=False)
    assert tuple(row) == htcds.HEADERS
    assert row["x_Reference"] == case.reference
    assert row["prs_FirstName"] == row["prs_SecondName"] == row["prs_Birthdate"] == ""
    assert row["prs_Gender"] == "NonSpecifiedUnknown"  # sex was asked, gender was not
    assert row["prs_Citizenship"] == "KH"
    assert row["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert row["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert row["vic_RelationshipToTrafficker"] == "Unaquainted"
    assert row["vic_MethodsOfControl"] == "DebtBondage;TakesEarnings"
    assert row["vic_TypeOfExploitation"] == "ForcedLabour"  # forced criminality is forced labour
    assert row["vic_ForcedLabourIndustry"] == "A_AgricultureForestryAndFishing"
    assert row["hte_Type"] == "Exploitation"
    assert row["hte_Country"] == "TH"
    assert row["hte_Date"] == "2025-03-01"
    assert row["cas_Status"] == "Active"
    with_identity = htcds.case_to_row(case, with_identity=True)
    assert with_identity["prs_FirstName"] == case.person.given_name_latin
