"""Demo: every demo user whose role needs two factors (settings OTP_REQUIRED_*) gets a
confirmed authenticator with one known demo secret, so that `make run` can be tried without
enrolling a phone first. ``manage.py demo_otp_code USER`` prints the current code (DEBUG
only). The test settings require 2FA of nobody, so the test suite's demo users get none.

The secret is as public as the demo password (README); seed_demo refuses to run without
DEBUG unless forced."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from . import twofactor

DEMO_DEVICE_NAME = "Demo authenticator"
# base32: NBXW2ZLXMFZGILLEMVWW6LJSMZQS233L
DEMO_TOTP_KEY_HEX = b"homeward-demo-2fa-ok".hex()


def seed(*, orgs, users) -> None:
    for user in users.values():
        if twofactor.required_for(user) and not twofactor.has_authenticator(user):
            TOTPDevice.objects.create(
                user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
