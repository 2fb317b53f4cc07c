from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from config import navigation
        from partners.roles import Right, has_right

        from . import selectors

        selectors.register_core_figures()
        selectors.register_list_filters()
        navigation.register(
            "reports",
            _("Dashboard"),
            "reports:dashboard",
            order=60,
            visible=lambda user: has_right(user, Right.SEE_DASHBOARD),
        )
