from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        import logging

        # WeasyPrint logs every rendering step at INFO; keep worker logs readable.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from cases import panels, retention, timeline

        from . import retention as export_retention
        from .views import case_panel

        retention.register("exports", export_retention.scrub)

        from .models import ExportPurpose

        purpose = {"purpose": ExportPurpose}  # stored as a code, shown in the reader's language
        timeline.register(
            "export_requested", _("Case summary requested (%(purpose)s)"), labels=purpose
        )
        timeline.register(
            "export_downloaded", _("Case summary downloaded (%(purpose)s)"), labels=purpose
        )
        panels.register("exports", "exports/partials/case_panel.html", case_panel, order=80)
