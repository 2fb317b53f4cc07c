"""The vocabularies of reintegration: needs and services, their states, follow-up methods and
outcomes, transfers. Values are codes (stored, and kept in timeline data); labels are shown."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """A need and the service that meets it (the issue's list). Immediate needs first."""

    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    FOOD_CLOTHING = "food_clothing", _("Food and clothing")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    FAMILY_CONTACT = "family_contact", _("Contact with family")
    INTERPRETATION = "interpretation", _("Interpretation")
    JOB_TRAINING = "job_training", _("Job training")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    MICRO_LOAN = "micro_loan", _("Micro-loan")
    LIVELIHOOD_GRANT = "livelihood_grant", _("Livelihood grant")
    EDUCATION = "education", _("Education")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")


IMMEDIATE = frozenset(
    {
        ServiceType.SHELTER,
        ServiceType.MEDICAL,
        ServiceType.FOOD_CLOTHING,
        ServiceType.LEGAL_AID,
        ServiceType.PSYCHOSOCIAL,
        ServiceType.FAMILY_CONTACT,
        ServiceType.INTERPRETATION,
    }
)
# Services with an amount, a currency and (for a loan) repayments.
MONEY = frozenset({ServiceType.MICRO_LOAN, ServiceType.LIVELIHOOD_GRANT})

# Which directory services answer a referral's service (referrals.models.ReferralService).
FOR_REFERRAL_SERVICE: dict[str, tuple[str, ...]] = {
    "shelter": (ServiceType.SHELTER,),
    "medical": (ServiceType.MEDICAL,),
    "legal": (ServiceType.LEGAL_AID,),
    "psychosocial": (ServiceType.PSYCHOSOCIAL,),
    "family_tracing": (ServiceType.FAMILY_CONTACT, ServiceType.FAMILY_REUNIFICATION),
    "job_training": (ServiceType.JOB_TRAINING, ServiceType.JOB_PLACEMENT),
    "livelihood": (ServiceType.MICRO_LOAN, ServiceType.LIVELIHOOD_GRANT),
}


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Could not be met")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class Schedule(models.TextChoices):
    NONE = "none", _("No repayment (grant)")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Every three months")
    AT_END = "at_end", _("In one payment at the end")


class Method(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message")


class Health(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class ForSex(models.TextChoices):
    """Whom a service is for. A shelter for men and boys is ``male``."""

    ANY = "any", _("Everyone")
    MALE = "male", _("Men and boys")
    FEMALE = "female", _("Women and girls")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Follow-ups after the return, in months.
MILESTONES = (3, 6, 12)
