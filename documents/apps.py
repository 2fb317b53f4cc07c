from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents and photos")

    def ready(self) -> None:
        from cases import panels, retention

        from . import history, pdf, services
        from .views import case_panel

        panels.register("documents", "documents/partials/case_panel.html", case_panel, order=25)
        # Anonymising or erasing a case deletes its files (cases never imports documents).
        retention.register("documents", services.scrub)
        history.register()
        from fieldcrypt import rotation

        rotation.register("attachment files", services.rotate_all)
        pdf.register()
