from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from cases import panels, timeline
        from cases.vocab import ConsentPurpose
        from config import navigation
        from partners.roles import Right, has_right

        from .models import ReferralService
        from .views import case_panel

        # ``data`` holds codes (service, purposes); the page shows them in the reader's language.
        service = {"service": ReferralService}
        timeline.register(
            "referral_sent", _("Referred to %(to_org)s for %(service)s"), labels=service
        )
        timeline.register(
            "referral_accepted", _("%(to_org)s accepted the %(service)s referral"), labels=service
        )
        timeline.register(
            "referral_declined", _("%(to_org)s declined the %(service)s referral"), labels=service
        )
        timeline.register(
            "referral_completed",
            _("The %(service)s referral to %(to_org)s was completed"),
            labels=service,
        )
        timeline.register(
            "referral_cancelled",
            _("The %(service)s referral to %(to_org)s was cancelled"),
            labels=service,
        )
        timeline.register(
            "referral_consent_override",
            _("Missing consent (%(purposes)s) overridden to refer to %(to_org)s"),
            labels={"purposes": ConsentPurpose},
        )
        from cases import retention

        from . import figures, history, list_filters, pdf

        history.register()
        figures.register()
        pdf.register()
        list_filters.register_incoming_filters()
        retention.register("referrals", history.scrub)
        panels.register("referrals", "referrals/partials/case_panel.html", case_panel, order=20)
        navigation.register(
            "referrals",
            _("Referrals"),
            "referrals:incoming",
            order=20,
            visible=lambda user: has_right(user, Right.USE_REFERRALS),
        )
