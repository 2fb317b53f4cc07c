from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "reintegration"
    verbose_name = _("Reintegration")

    def ready(self) -> None:
        from cases import panels, retention, timeline
        from cases.timeline import YES_NO
        from config import navigation
        from partners.roles import Right, has_right
        from referrals import suggestions
        from repatriation import signals

        from . import directory, figures, followups, pdf
        from .views import case_panel
        from .vocab import NeedStatus, ServiceStatus, ServiceType

        # ``data`` holds codes and organisation names, never identity.
        timeline.register(
            "need_recorded",
            _("Need recorded: %(need)s (%(status)s)"),
            labels={"need": ServiceType, "status": NeedStatus},
        )
        timeline.register(
            "need_changed",
            _("Need %(need)s: %(status)s"),
            labels={"need": ServiceType, "status": NeedStatus},
        )
        timeline.register(
            "service_recorded",
            _("Service recorded: %(service)s by %(provider)s"),
            labels={"service": ServiceType},
        )
        timeline.register(
            "service_updated",
            _("Service %(service)s: %(status)s"),
            labels={"service": ServiceType, "status": ServiceStatus},
        )
        timeline.register(
            "repayment_recorded",
            _("Repayment recorded on the %(service)s"),
            labels={"service": ServiceType},
        )
        timeline.register(
            "follow_ups_scheduled",
            _("Follow-ups at 3, 6 and 12 months scheduled (%(organization)s)"),
        )
        timeline.register(
            "follow_up_recorded",
            _("%(months)s-month follow-up recorded (person reached: %(reached)s)"),
            labels={"reached": YES_NO},
        )
        timeline.register(
            "follow_up_corrected",
            _("%(months)s-month follow-up corrected (person reached: %(reached)s)"),
            labels={"reached": YES_NO},
        )
        timeline.register("follow_up_overdue", _("The %(months)s-month follow-up is overdue"))
        timeline.register("transfer_requested", _("Transfer of the case to %(to_org)s requested"))
        timeline.register("case_transferred", _("Case transferred from %(from_org)s to %(to_org)s"))
        timeline.register("transfer_declined", _("%(to_org)s declined the transfer"))
        timeline.register("transfer_cancelled", _("Transfer to %(to_org)s withdrawn"))

        signals.step_done.connect(
            followups.on_step_done, dispatch_uid="reintegration_follow_ups_at_handover"
        )
        suggestions.register(directory.for_referral)
        figures.register()
        pdf.register()
        from .retention import scrub

        retention.register("reintegration", scrub)
        panels.register(
            "reintegration", "reintegration/partials/case_panel.html", case_panel, order=35
        )
        navigation.register(
            "directory",
            _("Service directory"),
            "reintegration:directory",
            order=40,
            visible=lambda user: (
                has_right(user, Right.USE_REFERRALS) or has_right(user, Right.MANAGE_SERVICE_OFFERS)
            ),
        )
        navigation.register(
            "transfers",
            _("Transfers"),
            "reintegration:transfers",
            order=45,
            visible=lambda user: has_right(user, Right.TRANSFER_CASES),
        )
