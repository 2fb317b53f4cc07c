from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from config import navigation

        from . import signals  # noqa: F401
        from .selectors import can_manage_users

        navigation.register(
            "org_users", _("Users"), "organisation:users", order=80, visible=can_manage_users
        )
        navigation.register("account", _("Account"), "account", order=90)
