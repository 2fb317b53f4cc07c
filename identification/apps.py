from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "identification"
    verbose_name = _("Identification")

    def ready(self) -> None:
        from . import fields, wiring

        assert fields.GROUPS  # its field groups are declared in cases.disclosure
        wiring.connect()
