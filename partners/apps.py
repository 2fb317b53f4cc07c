from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner organisations")

    def ready(self) -> None:
        from config import navigation

        from . import signals  # noqa: F401
        from .roles import Right, has_right

        navigation.register(
            "org_users",
            _("Users"),
            "organisation:users",
            order=80,
            visible=lambda user: has_right(user, Right.MANAGE_USERS),
        )
        navigation.register("account", _("Account"), "account", order=90)
