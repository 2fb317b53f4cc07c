from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from config import navigation

        from . import signals  # noqa: F401
        from .selectors import can_read_org_audit

        navigation.register(
            "audit", _("Audit log"), "audit:events", order=85, visible=can_read_org_audit
        )
