from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from config import navigation

        from . import figures, selectors

        selectors.register_core_figures()
        selectors.register_list_filters()
        navigation.register(
            "reports",
            _("Dashboard"),
            "reports:dashboard",
            order=60,
            visible=figures.may_see_reports,
        )
