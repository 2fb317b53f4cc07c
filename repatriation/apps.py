from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepatriationConfig(AppConfig):
    name = "repatriation"
    verbose_name = _("Repatriation")

    def ready(self) -> None:
        from cases import panels, timeline
        from config import navigation
        from partners.roles import Right, has_right

        from .models import PlanStatus, StepKind, StepStatus
        from .views import case_panel

        # ``data`` holds codes (statuses, step kinds); shown in the reader's language.
        timeline.register(
            "repatriation_plan_created",
            _("Repatriation plan created (embassy: %(embassy)s; lead: %(lead)s)"),
        )
        timeline.register("repatriation_plan_updated", _("Repatriation plan details updated"))
        timeline.register(
            "repatriation_plan_status",
            _("Repatriation plan status changed from %(old)s to %(new)s"),
            labels={"old": PlanStatus, "new": PlanStatus},
        )
        timeline.register(
            "repatriation_step_changed",
            _("Repatriation step “%(step)s”: %(status)s"),
            labels={"step": StepKind, "status": StepStatus},
        )
        timeline.register(
            "repatriation_step_overdue",
            _("Repatriation step “%(step)s” is past its due date"),
            labels={"step": StepKind},
        )
        from cases import retention

        from . import figures, history, pdf

        history.register()
        figures.register()
        from referrals import next_steps

        from .next_step import after_referral

        next_steps.register(after_referral)
        pdf.register()
        retention.register("repatriation", history.scrub)
        panels.register(
            "repatriation", "repatriation/partials/case_panel.html", case_panel, order=30
        )
        navigation.register(
            "repatriation",
            _("My repatriations"),
            "repatriation:mine",
            order=30,
            visible=lambda user: has_right(user, Right.SEE_MY_REPATRIATIONS),
        )
        navigation.register(
            "repatriation_templates",
            _("Repatriation steps"),
            "repatriation:template_list",
            order=80,
            visible=lambda user: has_right(user, Right.MANAGE_ROUTE_TEMPLATES),
        )
