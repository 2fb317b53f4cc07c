"""Controlled vocabularies for cases, following the IOM Human Trafficking Case Data Standard
(HTCDS) where it has a field; the HTCDS field name is given beside each vocabulary.

Nothing here assumes a victim is a woman or that exploitation is sexual: most trafficking in
the region is for labour, and men and boys are victims too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):  # HTCDS: gender
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


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


class TraffickingStatus(models.TextChoices):  # HTCDS: isTraffickingVictim / victimStatus
    POSSIBLE = "possible", _("Possible victim")
    ACTUAL = "actual", _("Identified victim")
    NOT_VICTIM = "not_victim", _("Not a victim")


class ExploitationType(models.TextChoices):  # HTCDS: typeOfExploit
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL = "sexual_exploitation", _("Sexual exploitation")
    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    SERVITUDE = "servitude", _("Servitude")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality (incl. online scam compounds)")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    OTHER = "other", _("Other")


class MeansOfControl(models.TextChoices):  # HTCDS: meansOfControl
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    WITHHELD_DOCUMENTS = "withheld_documents", _("Withheld documents")
    WITHHELD_WAGES = "withheld_wages", _("Withheld wages")
    THREATS = "threats", _("Threats")
    THREATS_LAW_ENFORCEMENT = "threats_law_enforcement", _("Threats of law enforcement")
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    DRUGS_ALCOHOL = "drugs_alcohol", _("Drugs or alcohol")
    RESTRICTED_MOVEMENT = "restricted_movement", _("Restricted movement")
    DENIED_NEEDS = "denied_needs", _("Denied food, sleep or medical care")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    FALSE_PROMISES = "false_promises", _("False promises")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):  # HTCDS: typeOfLabour
    FISHING = "fishing", _("Marine fishing and aquaculture")
    AGRICULTURE = "agriculture", _("Agriculture")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    HOSPITALITY = "hospitality", _("Hospitality")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    BEGGING = "begging", _("Begging")
    ONLINE_SCAM = "online_scam", _("Online scam operations")
    OTHER = "other", _("Other")


class RecruiterRelation(models.TextChoices):  # HTCDS: recruiterRelationship
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
