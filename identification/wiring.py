"""What identification plugs into (called from IdentificationConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from cases import panels, timeline
    from cases.vocab import TraffickingStatus

    from . import figures, pdf
    from .indicators import Stage
    from .views import case_panel

    timeline.register("interview_started", _("Screening interview started"))
    timeline.register("interview_saved", _("Screening interview saved as a draft"))
    timeline.register("interview_completed", _("Screening interview completed"))
    timeline.register(
        "identification_decided",
        _("Identification decided from a screening interview: %(status)s"),
        labels={"status": TraffickingStatus},
    )
    timeline.register(
        "event_added", _("Trafficking event recorded: %(stage)s"), labels={"stage": Stage}
    )
    timeline.register(
        "event_changed", _("Trafficking event corrected: %(stage)s"), labels={"stage": Stage}
    )
    panels.register(
        "identification", "identification/partials/case_panel.html", case_panel, order=15
    )
    from cases import retention as case_retention

    from . import retention

    case_retention.register("identification", retention.scrub)
    pdf.register()
    figures.register()
