"""The vocabularies of identification, declared once: codes are stored, wordings shown.

- ``IloIndicator``: the ILO's eleven indicators of forced labour (ILO, "ILO indicators of
  forced labour", Special Action Programme to Combat Forced Labour, 2012).
- ``AmpElement``: the act, means and purpose elements of the definition of trafficking in
  persons (UN Palermo Protocol, article 3(a)); article 3(c)/(d): for a child (under 18) the
  means need not be shown.
- ``Answer``: yes / no / unknown / prefers not to say.

Every question has a help text (what the caseworker may ask or look for). ``SUGGESTS``
maps an answer "yes" to the HTCDS values it points to (vic_MethodsOfControl,
vic_TypeOfExploitation), shown for the caseworker to confirm, never applied by itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.vocab import ExploitationType, MeansOfControl


class IndicatorSet(models.TextChoices):
    ILO = "ilo", _("ILO indicators of forced labour")
    AMP = "amp", _("Act, means and purpose of trafficking")


class Answer(models.TextChoices):
    # The answer to a question ("yes, this happened"), not "Yes" of a setting elsewhere.
    YES = "yes", pgettext_lazy("answer", "Yes")
    NO = "no", pgettext_lazy("answer", "No")
    UNKNOWN = "unknown", _("Unknown")
    DECLINED = "declined", _("Prefers not to say")


class IloIndicator(models.TextChoices):
    ABUSE_OF_VULNERABILITY = "abuse_of_vulnerability", _("Abuse of vulnerability")
    DECEPTION = "deception", _("Deception")
    RESTRICTION_OF_MOVEMENT = "restriction_of_movement", _("Restriction of movement")
    ISOLATION = "isolation", _("Isolation")
    PHYSICAL_SEXUAL_VIOLENCE = "physical_sexual_violence", _("Physical and sexual violence")
    INTIMIDATION_THREATS = "intimidation_threats", _("Intimidation and threats")
    RETENTION_OF_DOCUMENTS = "retention_of_documents", _("Retention of identity documents")
    WITHHOLDING_OF_WAGES = "withholding_of_wages", _("Withholding of wages")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    ABUSIVE_CONDITIONS = "abusive_conditions", _("Abusive working and living conditions")
    EXCESSIVE_OVERTIME = "excessive_overtime", _("Excessive overtime")


class AmpElement(models.TextChoices):
    # Acts
    RECRUITMENT = "act_recruitment", _("Act: recruitment")
    TRANSPORT = "act_transport", _("Act: transport")
    TRANSFER = "act_transfer", _("Act: transfer")
    HARBOURING = "act_harbouring", _("Act: harbouring")
    RECEIPT = "act_receipt", _("Act: receipt")
    # Means
    THREAT = "means_threat", _("Means: threat")
    FORCE = "means_force", _("Means: use of force")
    COERCION = "means_coercion", _("Means: other forms of coercion")
    ABDUCTION = "means_abduction", _("Means: abduction")
    FRAUD = "means_fraud", _("Means: fraud")
    DECEPTION = "means_deception", _("Means: deception")
    ABUSE_OF_POWER = (
        "means_abuse_of_power",
        _("Means: abuse of power or of a position of vulnerability"),
    )
    PAYMENTS = "means_payments", _("Means: giving or receiving payments to a person in control")
    # Purpose
    EXPLOITATION = "purpose_exploitation", _("Purpose: exploitation")


ACTS = frozenset(c for c in AmpElement.values if c.startswith("act_"))
MEANS = frozenset(c for c in AmpElement.values if c.startswith("means_"))
PURPOSES = frozenset(c for c in AmpElement.values if c.startswith("purpose_"))

QUESTIONS: dict[str, type[models.TextChoices]] = {
    IndicatorSet.ILO: IloIndicator,
    IndicatorSet.AMP: AmpElement,
}

HELP: dict[str, Any] = {
    IloIndicator.ABUSE_OF_VULNERABILITY: _(
        "Did someone use the person's lack of papers, language, money or other options to "
        "make them work?"
    ),
    IloIndicator.DECEPTION: _(
        "Were they promised a different job, pay, place or conditions from what they found?"
    ),
    IloIndicator.RESTRICTION_OF_MOVEMENT: _(
        "Could they leave the vessel, workplace or lodging when they wanted? Were they locked "
        "in or watched?"
    ),
    IloIndicator.ISOLATION: _(
        "Were they kept away from family, phone, the shore or anyone who could help?"
    ),
    IloIndicator.PHYSICAL_SEXUAL_VIOLENCE: _(
        "Were they, or others with them, beaten, hurt or sexually abused?"
    ),
    IloIndicator.INTIMIDATION_THREATS: _(
        "Were they threatened: with violence, with the police or immigration, against their family?"
    ),
    IloIndicator.RETENTION_OF_DOCUMENTS: _(
        "Did someone else keep their passport, seafarer's book or identity card?"
    ),
    IloIndicator.WITHHOLDING_OF_WAGES: _(
        "Were wages not paid, paid late, or held back to keep them working?"
    ),
    IloIndicator.DEBT_BONDAGE: _(
        "Did they owe a debt (recruitment fee, transport, advances) that kept them working?"
    ),
    IloIndicator.ABUSIVE_CONDITIONS: _(
        "Were food, water, sleep, safety or lodging degrading or dangerous?"
    ),
    IloIndicator.EXCESSIVE_OVERTIME: _(
        "Did they work far beyond normal hours, without rest days, without a choice?"
    ),
    AmpElement.RECRUITMENT: _("Was the person recruited: offered the work, the trip?"),
    AmpElement.TRANSPORT: _("Was the person moved, within a country or across a border?"),
    AmpElement.TRANSFER: _("Was the person handed over or sold from one person to another?"),
    AmpElement.HARBOURING: _("Was the person kept or hidden somewhere, on land or at sea?"),
    AmpElement.RECEIPT: _("Was the person received by someone at the destination?"),
    AmpElement.THREAT: _("Were threats used to get or keep them?"),
    AmpElement.FORCE: _("Was force used?"),
    AmpElement.COERCION: _("Were other forms of pressure used?"),
    AmpElement.ABDUCTION: _("Were they taken against their will?"),
    AmpElement.FRAUD: _("Were they cheated: false contracts, false papers?"),
    AmpElement.DECEPTION: _("Were they lied to about the work, the pay or the place?"),
    AmpElement.ABUSE_OF_POWER: _(
        "Did someone with power over them, or who knew they had no real choice, use it?"
    ),
    AmpElement.PAYMENTS: _(
        "Was money or a benefit given to someone who had control over them (a parent, a broker)?"
    ),
    AmpElement.EXPLOITATION: _(
        "Was the purpose to exploit them: forced labour, servitude, sexual exploitation, "
        "removal of organs?"
    ),
}

# An answer "yes" points to these HTCDS values (suggested, for the caseworker to confirm).
SUGGESTS_MEANS: dict[str, str] = {
    IloIndicator.DECEPTION: MeansOfControl.FALSE_PROMISES,
    IloIndicator.RESTRICTION_OF_MOVEMENT: MeansOfControl.RESTRICTED_MOVEMENT,
    IloIndicator.PHYSICAL_SEXUAL_VIOLENCE: MeansOfControl.PHYSICAL_VIOLENCE,
    IloIndicator.INTIMIDATION_THREATS: MeansOfControl.THREATS,
    IloIndicator.RETENTION_OF_DOCUMENTS: MeansOfControl.WITHHELD_DOCUMENTS,
    IloIndicator.WITHHOLDING_OF_WAGES: MeansOfControl.WITHHELD_WAGES,
    IloIndicator.DEBT_BONDAGE: MeansOfControl.DEBT_BONDAGE,
    IloIndicator.ABUSIVE_CONDITIONS: MeansOfControl.DENIED_NEEDS,
    IloIndicator.EXCESSIVE_OVERTIME: MeansOfControl.EXCESSIVE_HOURS,
    AmpElement.THREAT: MeansOfControl.THREATS,
    AmpElement.FORCE: MeansOfControl.PHYSICAL_VIOLENCE,
    AmpElement.FRAUD: MeansOfControl.FALSE_PROMISES,
    AmpElement.DECEPTION: MeansOfControl.FALSE_PROMISES,
}
# Any ILO indicator answered "yes" points to forced labour as the type of exploitation.
SUGGESTS_EXPLOITATION = ExploitationType.FORCED_LABOUR


class Stage(models.TextChoices):  # HTCDS historic trafficking events: hte_Type
    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSIT = "transit", _("Transit")
    EXPLOITATION = "exploitation", _("Exploitation")


class RecruitmentMethod(models.TextChoices):
    BROKER = "broker", _("Broker")
    FAMILY_OR_FRIEND = "family_or_friend", _("Family or friend")
    JOB_ADVERTISEMENT = "job_advertisement", _("Job advertisement")
    SOCIAL_MEDIA = "social_media", _("Social media or messaging app")
    RECRUITMENT_AGENCY = "recruitment_agency", _("Recruitment agency")
    OTHER = "other", _("Other")


class InterviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (paused)")
    COMPLETE = "complete", _("Complete")


class PlaceKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province or region")
    DISTRICT = "district", _("District")
    PORT = "port", _("Port")
    BORDER_CROSSING = "border_crossing", _("Border crossing")
