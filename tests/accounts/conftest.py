import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def coordinator(org):
    return UserFactory(username="coord", organization=org, role=Role.COORDINATOR)


@pytest.fixture
def org_admin(org):
    return UserFactory(username="admin-mlc", organization=org, role=Role.ORG_ADMIN)


@pytest.fixture
def other_admin(other_org):
    return UserFactory(username="admin-lfrn", organization=other_org, role=Role.ORG_ADMIN)


@pytest.fixture
def enforce_2fa(settings):
    """The production default: coordinators and org admins need two factors."""
    settings.OTP_REQUIRED_ROLES = [Role.COORDINATOR, Role.ORG_ADMIN]


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's phone shows now (or ``steps_ahead`` 30-second steps from now: a step
    already used cannot be used again, and django-otp accepts one step of clock drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
