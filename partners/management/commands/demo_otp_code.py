"""Print the current two-factor code of a demo user (DEBUG only; demo devices only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.demo import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current 6-digit code of a demo user's demo authenticator (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_otp_code works only with DEBUG=True (demo installations).")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
