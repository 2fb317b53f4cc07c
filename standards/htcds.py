"""Homeward's vocabularies in the IOM Human Trafficking Case Data Standard (HTCDS) 2.0.

Source of the code lists below (data, used with attribution): IOM / UN Migration, HTCDS,
``HTCDS Field Standards 2.0.ods`` in https://github.com/UNMigration/HTCDS (sheet
"Field_Standards", columns "Field Name including Prefix" and "Value Names").

Three things are declared here, once, and used by the CTDC export (reports/ctdc.py), the
HTCDS-named case export (``case_to_row``) and the spreadsheet import/export that follows:

- ``CODE_LISTS``: HTCDS field name -> its value names, as in the standard;
- ``MAPPINGS``: HTCDS field name -> (Homeward vocabulary, {Homeward value: HTCDS code}).
  Homeward keeps finer values where it needs them (forced criminality, restricted movement,
  ISIC divisions, begging); each one maps to exactly ONE HTCDS code. A value mapped to ``None``
  has no HTCDS code (HTCDS has no "unknown" there) and is written empty; those are listed in
  ``NO_CODE`` and checked by tests/cases/test_htcds.py;
- ``FIELDS``: the columns of an HTCDS-named case row, in order, each with how it is read
  from a case (``case_to_row``). Columns prefixed ``x_`` are Homeward's, not HTCDS fields.

A package of its own (not in ``cases``): it reads the vocabularies of cases and referrals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models

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

SOURCE = "IOM HTCDS 2.0, HTCDS Field Standards 2.0.ods (github.com/UNMigration/HTCDS)"

# HTCDS 2.0 code lists (Value Names), as in the standard's sheet, in its order.
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "prs_Gender": (
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ),
    "vic_TraffickingStatus": (
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "Police",
        "NGO",
        "CourtOrProsecution",
        "NonPoliceGovernmentalOrganization",
        "Other",
    ),
    "vic_RelationshipToTrafficker": ("Familial", "Acquainted", "Unaquainted"),
    "vic_MethodsOfControl": (
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
    ),
    "vic_TypeOfExploitation": (
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
    ),
    "vic_ForcedLabourIndustry": (
        "A_AgricultureForestryAndFishing",
        "B_MiningAndQuarrying",
        "C_Manufacturing",
        "D_ElectricityGasSteamAndAirConditioningSupply",
        "E_WaterSupplySewerageWasteManagement",
        "F_Construction",
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "H_TransportationAndStorage",
        "I_AccommodationAndFoodServiceActivities",
        "J_InformationAndCommunication",
        "K_FinancialAndInsuranceActivities",
        "L_RealEstateActivities",
        "M_ProfessionalScientificAndTechnicalActivities",
        "N_AdministrativeAndSupportServiceActivities",
        "O_PublicAdministrationAndDefence",
        "P_Education",
        "Q_HumanHealthAndSocialWorkActivities",
        "R_ArtsEntertainmentAndRecreation",
        "S_OtherServiceActivities",
        "T_ActivitiesOfHouseholdsAsEmployers",
        "U_ActivitiesOfExtraterritorialOrganizations",
    ),
    "vic_TypeOfSexExploitation": (
        "Prostitution",
        "Pornography",
        "RemoteInteractiveServices",
        "PrivateSexualServices",
    ),
    "cas_Status": ("Active", "FollowUp", "Closed", "ClosedReferred"),
    "cas_ReasonForOutgoingReferral": (
        "AdditionalServicesRequired",
        "MigrationOrChangeOfLocation",
        "Other",
    ),
    "spl_Type": (
        "Education",
        "Financial",
        "Health",
        "LabourExploitationRehabilitation",
        "Legal",
        "Livelihood",
        "RightsBasedTraining",
        "SexualExploitationRehabilitation",
        "SocialCare",
    ),
}


def _section(letter: str) -> str:
    return next(c for c in CODE_LISTS["vic_ForcedLabourIndustry"] if c[0] == letter)


# ISIC Rev. 4: every Homeward industry value belongs to exactly one section.
INDUSTRY_SECTION: dict[str, str | None] = {
    **{v: v for v in Industry.values if len(v) == 1},
    Industry.AGRICULTURE: "A",
    Industry.FORESTRY: "A",
    Industry.FISHING: "A",
    Industry.MARINE_FISHING: "A",
    Industry.FRESHWATER_FISHING: "A",
    Industry.AQUACULTURE: "A",
    Industry.SEAFOOD_PROCESSING: "C",
    Industry.GARMENTS: "C",
    Industry.ONLINE_SCAM: "N",
    Industry.BEGGING: "S",
    Industry.DOMESTIC_WORK: "T",
    Industry.OTHER: None,
}

MAPPINGS: dict[str, tuple[type[models.TextChoices], dict[str, str | None]]] = {
    "prs_Gender": (
        Gender,
        {
            Gender.FEMININE: "Feminine",
            Gender.MASCULINE: "Masculine",
            Gender.TRANSGENDER_FEMININE: "TransgenderFeminine",
            Gender.TRANSGENDER_MASCULINE: "TransgenderMasculine",
            Gender.NON_CONFORMING: "NonConforming",
            Gender.UNKNOWN: "NonSpecifiedUnknown",
        },
    ),
    "vic_TraffickingStatus": (
        TraffickingStatus,
        {
            TraffickingStatus.POSSIBLE: "PossibleVictimOfTrafficking",
            TraffickingStatus.ACTUAL: "ActualVictimOfTrafficking",
            TraffickingStatus.NOT_VICTIM: "NotAVictimOfTrafficking",
        },
    ),
    "vic_TraffickingStatusDecisionMakingOrg": (
        DecisionOrgKind,
        {
            DecisionOrgKind.POLICE: "Police",
            DecisionOrgKind.NGO: "NGO",
            DecisionOrgKind.COURT_OR_PROSECUTION: "CourtOrProsecution",
            DecisionOrgKind.NON_POLICE_GOVERNMENT: "NonPoliceGovernmentalOrganization",
            DecisionOrgKind.OTHER: "Other",
        },
    ),
    "vic_RelationshipToTrafficker": (
        RecruiterRelation,
        {
            RecruiterRelation.FAMILY: "Familial",
            RecruiterRelation.INTIMATE_PARTNER: "Acquainted",
            RecruiterRelation.FRIEND: "Acquainted",
            RecruiterRelation.ACQUAINTANCE: "Acquainted",
            RecruiterRelation.EMPLOYER: "Acquainted",
            RecruiterRelation.BROKER: "Unaquainted",
            RecruiterRelation.UNKNOWN: None,
        },
    ),
    "vic_MethodsOfControl": (
        MeansOfControl,
        {
            MeansOfControl.DEBT_BONDAGE: "DebtBondage",
            MeansOfControl.WITHHELD_DOCUMENTS: "WithholdsDocuments",
            MeansOfControl.WITHHELD_WAGES: "TakesEarnings",
            MeansOfControl.RESTRICTS_FINANCIAL_ACCESS: "RestrictsFinancialAccess",
            MeansOfControl.THREATS: "PhysicalThreats",
            MeansOfControl.THREATS_LAW_ENFORCEMENT: "ThreatsLawEnforcement",
            MeansOfControl.THREATENS_CHILDREN_FAMILY: "ThreatensChildrenFamily",
            MeansOfControl.PHYSICAL_VIOLENCE: "PhysicalAbuse",
            MeansOfControl.SEXUAL_VIOLENCE: "SexualAbuse",
            MeansOfControl.PSYCHOLOGICAL_ABUSE: "PsychologicalAbuse",
            MeansOfControl.DRUGS_ALCOHOL: "PsychoactiveSubstance",
            MeansOfControl.RESTRICTED_MOVEMENT: "Other",
            MeansOfControl.DENIED_NEEDS: "WithholdsNecessities",
            MeansOfControl.RESTRICTS_MEDICAL_CARE: "RestrictsMedicalCare",
            MeansOfControl.EXCESSIVE_HOURS: "ExcessiveWorkingHours",
            MeansOfControl.FALSE_PROMISES: "FalsePromises",
            MeansOfControl.OTHER: "Other",
        },
    ),
    "vic_TypeOfExploitation": (
        ExploitationType,
        {
            ExploitationType.FORCED_LABOUR: "ForcedLabour",
            ExploitationType.SEXUAL: "SexualExploitation",
            ExploitationType.CHILD_LABOUR: "ChildLabour",
            ExploitationType.FORCED_MARRIAGE: "ForcedMarriage",
            ExploitationType.SERVITUDE: "Servitude",
            ExploitationType.FORCED_MILITARY: "ForcedMilitaryByNonStateActors",
            ExploitationType.ORGAN_REMOVAL: "OrganRemoval",
            ExploitationType.FORCED_BEGGING: "ForcedBegging",
            ExploitationType.FORCED_ADOPTION: "ForcedAdoption",
            ExploitationType.SURROGACY: "Surrogacy",
            # ILO: forced criminality is a form of forced labour.
            ExploitationType.FORCED_CRIMINALITY: "ForcedLabour",
            ExploitationType.OTHER: "Other",
        },
    ),
    "vic_ForcedLabourIndustry": (
        Industry,
        {v: (_section(s) if s else None) for v, s in INDUSTRY_SECTION.items()},
    ),
    "vic_TypeOfSexExploitation": (
        SexExploitationType,
        {
            SexExploitationType.PROSTITUTION: "Prostitution",
            SexExploitationType.PORNOGRAPHY: "Pornography",
            SexExploitationType.REMOTE_INTERACTIVE: "RemoteInteractiveServices",
            SexExploitationType.PRIVATE_SEXUAL: "PrivateSexualServices",
        },
    ),
    # A case in repatriation or reintegration is still being worked on (Active); reintegration
    # is the follow-up after return.
    "cas_Status": (
        CaseStatus,
        {
            CaseStatus.OPEN: "Active",
            CaseStatus.ACTIVE: "Active",
            CaseStatus.IN_REPATRIATION: "Active",
            CaseStatus.IN_REINTEGRATION: "FollowUp",
            CaseStatus.CLOSED: "Closed",
        },
    ),
    "cas_ReasonForOutgoingReferral": (
        ReferralService,
        {
            ReferralService.REPATRIATION: "MigrationOrChangeOfLocation",
            ReferralService.SHELTER: "AdditionalServicesRequired",
            ReferralService.MEDICAL: "AdditionalServicesRequired",
            ReferralService.LEGAL: "AdditionalServicesRequired",
            ReferralService.PSYCHOSOCIAL: "AdditionalServicesRequired",
            ReferralService.FAMILY_TRACING: "AdditionalServicesRequired",
            ReferralService.JOB_TRAINING: "AdditionalServicesRequired",
            ReferralService.LIVELIHOOD: "AdditionalServicesRequired",
            ReferralService.LAW_ENFORCEMENT: "AdditionalServicesRequired",
            ReferralService.OTHER: "Other",
        },
    ),
    # The support plan a referred service belongs to. Repatriation, family tracing and
    # "other" are not a plan type of HTCDS's list: None.
    "spl_Type": (
        ReferralService,
        {
            ReferralService.REPATRIATION: None,
            ReferralService.SHELTER: "SocialCare",
            ReferralService.MEDICAL: "Health",
            ReferralService.LEGAL: "Legal",
            ReferralService.PSYCHOSOCIAL: "Health",
            ReferralService.FAMILY_TRACING: None,
            ReferralService.JOB_TRAINING: "Education",
            ReferralService.LIVELIHOOD: "Livelihood",
            ReferralService.LAW_ENFORCEMENT: None,
            ReferralService.OTHER: None,
        },
    ),
}

# Homeward values with no HTCDS code (written empty), by HTCDS field.
NO_CODE: dict[str, frozenset[str]] = {
    "vic_RelationshipToTrafficker": frozenset({RecruiterRelation.UNKNOWN}),
    "vic_ForcedLabourIndustry": frozenset({Industry.OTHER}),
    "spl_Type": frozenset(
        {
            ReferralService.REPATRIATION,
            ReferralService.FAMILY_TRACING,
            ReferralService.LAW_ENFORCEMENT,
            ReferralService.OTHER,
        }
    ),
}

# Organisation kinds (partners.OrganizationKind) as HTCDS decision-making organisations.
ORG_KIND_DECIDER: dict[str, str] = {
    "ngo": DecisionOrgKind.NGO,
    "shelter": DecisionOrgKind.NGO,
    "law_enforcement": DecisionOrgKind.POLICE,
    "government": DecisionOrgKind.NON_POLICE_GOVERNMENT,
    "embassy": DecisionOrgKind.NON_POLICE_GOVERNMENT,
    "un_agency": DecisionOrgKind.OTHER,
    "international": DecisionOrgKind.OTHER,
}


def code(field: str, value: str | None) -> str | None:
    """The HTCDS code of a Homeward value for an HTCDS field (None: no value, or no code)."""
    if not value:
        return None
    return MAPPINGS[field][1].get(value)


def codes(field: str, values: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """HTCDS codes of a list of Homeward values: each once, in the standard's order."""
    got = {code(field, v) for v in values} - {None}
    return [c for c in CODE_LISTS[field] if c in got]


def decider_kind(case: Any) -> str:
    """The kind of organisation that decided the trafficking status: recorded, else that of
    the organisation referenced."""
    if case.trafficking_status_decider_kind:
        return case.trafficking_status_decider_kind
    org = case.trafficking_status_decided_by_org
    return ORG_KIND_DECIDER.get(org.kind, "") if org is not None else ""


def gender_value(person: Any) -> str:
    """HTCDS records gender; when only sex was asked, the gender is not specified."""
    return person.gender or Gender.UNKNOWN


def exploitation_months(started: date | None, ended: date | None, registered: date) -> int | None:
    """Whole months of exploitation: from its start to its end, or to registration when the
    end was not recorded (the person was out of it, or asking for help, by then). None
    without a start, or when the end is before the start."""
    if started is None:
        return None
    end = ended or registered
    if end < started:
        return None
    return (end.year - started.year) * 12 + end.month - started.month - (end.day < started.day)


@dataclass(frozen=True)
class Field:
    name: str  # HTCDS "Field Name including Prefix"
    read: Callable[[Any], Any]
    identity: bool = False  # written only for users allowed to see the person's identity


def _join(values: list[str]) -> str:
    # HTCDS multiselect picklists are written as ";"-separated value names (the toolkit's
    # spreadsheet convention).
    return ";".join(values)


def _types(case: Any) -> list[str]:
    return [e.type for e in case.exploitations.all()]


FIELDS: tuple[Field, ...] = (
    Field("x_Reference", lambda c: c.reference),
    Field("prs_FirstName", lambda c: c.person.given_name_latin or c.person.given_name, True),
    Field("prs_SecondName", lambda c: c.person.family_name_latin or c.person.family_name, True),
    Field(
        "prs_Birthdate",
        lambda c: c.person.date_of_birth.isoformat() if c.person.date_of_birth else "",
        True,
    ),
    Field("prs_Gender", lambda c: code("prs_Gender", gender_value(c.person))),
    Field("prs_Citizenship", lambda c: str(c.person.nationality or c.country_of_origin or "")),
    Field("vic_TraffickingStatus", lambda c: code("vic_TraffickingStatus", c.trafficking_status)),
    Field(
        "vic_TraffickingStatusDecisionMakingOrg",
        lambda c: code("vic_TraffickingStatusDecisionMakingOrg", decider_kind(c)),
    ),
    Field(
        "vic_RelationshipToTrafficker",
        lambda c: code("vic_RelationshipToTrafficker", c.recruiter_relation),
    ),
    Field(
        "vic_MethodsOfControl",
        lambda c: _join(codes("vic_MethodsOfControl", c.means_of_control or [])),
    ),
    Field("vic_TypeOfExploitation", lambda c: _join(codes("vic_TypeOfExploitation", _types(c)))),
    Field("vic_ForcedLabourIndustry", lambda c: code("vic_ForcedLabourIndustry", c.industry)),
    Field(
        "vic_TypeOfSexExploitation",
        lambda c: _join(codes("vic_TypeOfSexExploitation", c.sex_exploitation_types or [])),
    ),
    # The exploitation as one historic trafficking event (hte_Type "Exploitation").
    Field("hte_Type", lambda c: "Exploitation"),
    Field("hte_Country", lambda c: str(c.country_of_exploitation or "")),
    Field(
        "hte_Date",
        lambda c: c.exploitation_started_on.isoformat() if c.exploitation_started_on else "",
    ),
    Field(
        "x_ExploitationEndDate",
        lambda c: c.exploitation_ended_on.isoformat() if c.exploitation_ended_on else "",
    ),
    Field("cas_Status", lambda c: code("cas_Status", c.status)),
)

HEADERS: tuple[str, ...] = tuple(f.name for f in FIELDS)


def case_to_row(case: Any, *, with_identity: bool) -> dict[str, str]:
    """One case as an HTCDS-named row (every value a string, empty when not recorded).
    Identity columns are empty unless ``with_identity`` (the caller checked
    ``view_case_identity`` through cases.access)."""
    row = {}
    for f in FIELDS:
        if f.identity and not with_identity:
            row[f.name] = ""
            continue
        value = f.read(case)
        row[f.name] = "" if value is None else str(value)
    return row
