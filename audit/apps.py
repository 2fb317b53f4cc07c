from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from config import navigation
        from partners.roles import Right, has_right

        from . import signals  # noqa: F401

        navigation.register(
            "audit",
            _("Audit log"),
            "audit:events",
            order=85,
            visible=lambda user: has_right(user, Right.READ_AUDIT_LOG),
        )
