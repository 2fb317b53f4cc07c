"""Controlled vocabularies for cases, following the IOM Human Trafficking Case Data Standard
(HTCDS) where it has a field; the HTCDS field name is given beside each vocabulary.

Nothing here assumes a victim is a woman or that exploitation is sexual: most trafficking in
the region is for labour, and men and boys are victims too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):  # no HTCDS field (HTCDS records gender); CTDC falls back to it
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Gender(models.TextChoices):  # HTCDS 2.0: prs_Gender (its code list, one value each)
    FEMININE = "feminine", _("Feminine")
    MASCULINE = "masculine", _("Masculine")
    TRANSGENDER_FEMININE = "transgender_feminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "transgender_masculine", _("Transgender masculine")
    NON_CONFORMING = "non_conforming", _("Non-conforming")
    UNKNOWN = "unknown", _("Not specified / unknown")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate danger")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


URGENCY_ORDER = {Urgency.IMMEDIATE: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    IN_REPATRIATION = "in_repatriation", _("In repatriation")
    IN_REINTEGRATION = "in_reintegration", _("In reintegration")
    CLOSED = "closed", _("Closed")


class TraffickingStatus(models.TextChoices):  # HTCDS 2.0: vic_TraffickingStatus
    POSSIBLE = "possible", _("Possible victim")
    ACTUAL = "actual", _("Identified victim")
    NOT_VICTIM = "not_victim", _("Not a victim")


class DecisionOrgKind(models.TextChoices):  # HTCDS 2.0: vic_TraffickingStatusDecisionMakingOrg
    POLICE = "police", _("Police")
    NGO = "ngo", _("NGO")
    COURT_OR_PROSECUTION = "court_or_prosecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = "non_police_government", _("Non-police governmental organisation")
    OTHER = "other", _("Other")


class ExploitationType(models.TextChoices):  # HTCDS 2.0: vic_TypeOfExploitation
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL = "sexual_exploitation", _("Sexual exploitation")
    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    SERVITUDE = "servitude", _("Servitude")
    FORCED_MILITARY = "forced_military", _("Forced military (by non-state actors)")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_ADOPTION = "forced_adoption", _("Forced adoption")
    SURROGACY = "surrogacy", _("Surrogacy")
    # Finer than HTCDS (online scam compounds of the region): HTCDS ForcedLabour.
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality (incl. online scam compounds)")
    OTHER = "other", _("Other")


class SexExploitationType(models.TextChoices):  # HTCDS 2.0: vic_TypeOfSexExploitation
    PROSTITUTION = "prostitution", _("Prostitution")
    PORNOGRAPHY = "pornography", _("Pornography")
    REMOTE_INTERACTIVE = "remote_interactive", _("Remote interactive services")
    PRIVATE_SEXUAL = "private_sexual", _("Private sexual services")


class MeansOfControl(models.TextChoices):  # HTCDS 2.0: vic_MethodsOfControl
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    WITHHELD_DOCUMENTS = "withheld_documents", _("Withheld documents")
    WITHHELD_WAGES = "withheld_wages", _("Withheld wages")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricted access to money")
    THREATS = "threats", _("Threats of harm")
    THREATS_LAW_ENFORCEMENT = "threats_law_enforcement", _("Threats of law enforcement")
    THREATENS_CHILDREN_FAMILY = "threatens_children_family", _("Threats to children or family")
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    DRUGS_ALCOHOL = "drugs_alcohol", _("Drugs or alcohol")
    # Finer than HTCDS 2.0 (which has no movement code): HTCDS Other.
    RESTRICTED_MOVEMENT = "restricted_movement", _("Restricted movement")
    DENIED_NEEDS = "denied_needs", _("Denied food, sleep or other necessities")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Denied medical care")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    FALSE_PROMISES = "false_promises", _("False promises")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    """HTCDS 2.0 vic_ForcedLabourIndustry: the ISIC Rev. 4 sections (value = section letter),
    plus the ISIC divisions and classes Homeward needs (value = the ISIC code); each belongs
    to exactly one section (cases.htcds.INDUSTRY)."""

    AGRICULTURE_FORESTRY_FISHING = "A", _("Agriculture, forestry and fishing")
    AGRICULTURE = "01", _("Crop and animal production (agriculture)")
    FORESTRY = "02", _("Forestry and logging")
    FISHING = "03", _("Fishing and aquaculture")
    MARINE_FISHING = "03.11", _("Marine fishing")
    FRESHWATER_FISHING = "03.12", _("Freshwater fishing")
    AQUACULTURE = "03.2", _("Aquaculture")
    MINING = "B", _("Mining and quarrying")
    MANUFACTURING = "C", _("Manufacturing")
    SEAFOOD_PROCESSING = "10.20", _("Seafood processing")
    GARMENTS = "14", _("Garment manufacturing")
    ELECTRICITY = "D", _("Electricity, gas, steam and air conditioning supply")
    WATER_WASTE = "E", _("Water supply; sewerage, waste management and remediation")
    CONSTRUCTION = "F", _("Construction")
    TRADE = "G", _("Wholesale and retail trade; repair of motor vehicles and motorcycles")
    TRANSPORT = "H", _("Transportation and storage")
    HOSPITALITY = "I", _("Accommodation and food service activities")
    INFORMATION = "J", _("Information and communication")
    FINANCE = "K", _("Financial and insurance activities")
    REAL_ESTATE = "L", _("Real estate activities")
    PROFESSIONAL = "M", _("Professional, scientific and technical activities")
    ADMINISTRATIVE = "N", _("Administrative and support service activities")
    # Scam compounds run as call centres (ISIC 82.20); HTCDS section N.
    ONLINE_SCAM = "82.20", _("Online scam operations (call centres)")
    PUBLIC_ADMINISTRATION = "O", _("Public administration and defence; compulsory social security")
    EDUCATION = "P", _("Education")
    HEALTH = "Q", _("Human health and social work activities")
    ENTERTAINMENT = "R", _("Arts, entertainment and recreation")
    OTHER_SERVICES = "S", _("Other service activities")
    # Not an economic activity in ISIC; kept because Homeward needs it: HTCDS section S.
    BEGGING = "begging", _("Begging")
    HOUSEHOLDS = "T", _("Activities of households as employers; own-use production")
    DOMESTIC_WORK = "97", _("Domestic work (households as employers of domestic personnel)")
    EXTRATERRITORIAL = "U", _("Activities of extraterritorial organisations and bodies")
    OTHER = "other", _("Other or not classified")


class RecruiterRelation(models.TextChoices):  # HTCDS 2.0: vic_RelationshipToTrafficker
    FAMILY = "family", _("Family")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FRIEND = "friend", _("Friend")
    ACQUAINTANCE = "acquaintance", _("Acquaintance")
    BROKER = "broker", _("Broker or agent")
    EMPLOYER = "employer", _("Employer")
    UNKNOWN = "unknown", _("Unknown")


class CallChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    HOTLINE = "hotline", _("Hotline")
    SMS = "sms", _("SMS")
    LINE = "line", _("Line")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VIBER = "viber", _("Viber")
    TELEGRAM = "telegram", _("Telegram")
    FACEBOOK = "facebook", _("Facebook / Messenger")
    WECHAT = "wechat", _("WeChat")
    WALK_IN = "walk_in", _("Walk-in")
    PARTNER_REFERRAL = "partner_referral", _("Partner referral")


class CallerRelation(models.TextChoices):
    SELF = "self", _("The person themselves")
    FAMILY = "family", _("Family")
    FRIEND = "friend", _("Friend")
    EMPLOYER = "employer", _("Employer")
    NGO = "ngo", _("NGO")
    AUTHORITY = "authority", _("Authority")
    ANONYMOUS = "anonymous", _("Anonymous")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_PARTNERS = "share_partners", _("Share with partner organisations")
    REPATRIATION = "repatriation", _("Repatriation")
    EMBASSY_CONTACT = "embassy_contact", _("Contact with their embassy")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    STATISTICS = "statistics", _("Anonymised statistics")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal, recorded by staff")
    WRITTEN = "written", _("Written, signed")
    GUARDIAN = "guardian", _("By a parent or guardian")
