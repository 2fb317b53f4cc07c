from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from config import countries, navigation

        countries.install()  # country names in Khmer, Lao, Burmese and Thai (ICU)

        from . import access, history, list_filters, panels, timeline

        timeline.register_core_kinds()
        list_filters.register_core_filters()
        history.register_core_sources()
        panels.register(
            "history", "cases/partials/history_panel.html", history.history_panel, order=90
        )
        from .views.retention import data_protection_panel

        panels.register(
            "data_protection",
            "cases/partials/data_protection_panel.html",
            data_protection_panel,
            order=95,
        )
        _connect_identity_index()
        navigation.register("cases", _("Cases"), "cases:list", order=10)
        navigation.register(
            "intake", _("Log a call"), "cases:intake", order=5, visible=access.may_log_calls
        )


def _connect_identity_index() -> None:
    """Keep the blind index (cases.identity_index) current on every save of a person or a
    call, whichever path saves it (intake, edit, API, demo data, tests)."""
    from django.db.models.signals import post_save

    from . import identity_index
    from .models import DistressCall, Person

    def person_saved(sender, instance, raw=False, **kwargs):
        if not raw:
            identity_index.reindex_persons([instance])

    def call_saved(sender, instance, raw=False, **kwargs):
        if not raw:
            identity_index.reindex_calls([instance])

    post_save.connect(person_saved, sender=Person, weak=False, dispatch_uid="identity_person")
    post_save.connect(call_saved, sender=DistressCall, weak=False, dispatch_uid="identity_call")
