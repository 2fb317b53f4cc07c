from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_otp.models import Device

from .roles import Role, role_allows


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    UN_AGENCY = "un_agency", _("UN agency")
    INTERNATIONAL = "international", _("International organisation")
    GOVERNMENT = "government", _("Government ministry")
    EMBASSY = "embassy", _("Embassy or consulate")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    SHELTER = "shelter", _("Shelter or service provider")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Short code used in case references (KH-LSCW-2026-00042); never changes once cases exist.
    code = models.SlugField(
        _("code"), max_length=12, unique=True, help_text=_("Letters used in case references.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages = models.CharField(
        _("working languages"), max_length=100, blank=True, help_text=_("e.g. km, en")
    )
    email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Each organisation has exactly one group; object permissions on cases are granted to it.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organization")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"org:{self.code}")
        super().save(*args, **kwargs)

    @property
    def is_embassy(self) -> bool:
        return self.kind == OrganizationKind.EMBASSY


class User(AbstractUser):  # type: ignore[django-manager-missing]  # Passkey.user (django-otp)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
        help_text=_("Every user except platform superusers belongs to one organisation."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="en", blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_allows(self, perm: str) -> bool:
        return self.is_active and self.organization_id is not None and role_allows(self.role, perm)


class Passkey(Device):
    """A WebAuthn credential (a passkey on a phone, a security key) as a second factor beside
    the authenticator app (partners/passkeys.py). A django-otp device, so that a session
    opened with it counts as verified; it verifies assertions, never typed codes."""

    credential_id = models.BinaryField(max_length=1023, unique=True)
    public_key = models.BinaryField(max_length=2048)  # COSE
    # The authenticator's signature counter: an assertion must raise it (a cloned key would
    # repeat a count). Authenticators that keep no counter always send 0.
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def verify_token(self, token) -> bool:
        return False
