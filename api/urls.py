from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from .views.attachments import (
    AttachmentDetailView,
    AttachmentDownloadView,
    CaseAttachmentListView,
)
from .views.calls import DistressCallViewSet
from .views.cases import CaseNoteViewSet, CaseViewSet, ConsentListView, ConsentWithdrawView
from .views.common import NotFoundView
from .views.identification import EventViewSet, InterviewViewSet
from .views.notifications import NotificationViewSet
from .views.organizations import OrganizationViewSet
from .views.referrals import ReferralViewSet
from .views.reintegration import (
    CaseFollowUpViewSet,
    CaseServiceViewSet,
    FollowUpViewSet,
    ServiceOfferViewSet,
)
from .views.repatriation import RepatriationPlanViewSet, RepatriationStepViewSet
from .views.tokens import ApiTokenViewSet, TokenView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", OrganizationViewSet, basename="organisation")
router.register("cases", CaseViewSet, basename="case")
router.register(r"cases/(?P<case_pk>\d+)/notes", CaseNoteViewSet, basename="case-note")
router.register(r"cases/(?P<case_pk>\d+)/interviews", InterviewViewSet, basename="case-interview")
router.register(r"cases/(?P<case_pk>\d+)/events", EventViewSet, basename="case-event")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("calls", DistressCallViewSet, basename="call")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("repatriation-plans", RepatriationPlanViewSet, basename="repatriation-plan")
router.register("repatriation-steps", RepatriationStepViewSet, basename="repatriation-step")
router.register("notifications", NotificationViewSet, basename="notification")
router.register(r"cases/(?P<case_pk>\d+)/services", CaseServiceViewSet, basename="case-service")
router.register(
    r"cases/(?P<case_pk>\d+)/follow-ups", CaseFollowUpViewSet, basename="case-follow-up"
)
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("service-offers", ServiceOfferViewSet, basename="service-offer")

app_name = "api"

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/cases/<int:case_pk>/consents/", ConsentListView.as_view(), name="case-consents"),
    path(
        "v1/cases/<int:case_pk>/consents/<int:pk>/withdraw/",
        ConsentWithdrawView.as_view(),
        name="case-consent-withdraw",
    ),
    path(
        "v1/cases/<int:case_pk>/attachments/",
        CaseAttachmentListView.as_view(),
        name="case-attachment-list",
    ),
    path("v1/attachments/<int:pk>/", AttachmentDetailView.as_view(), name="attachment-detail"),
    path(
        "v1/attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("v1/", include(router.urls)),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
        name="schema",
    ),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", permission_classes=[AllowAny], authentication_classes=[]
        ),
        name="docs",
    ),
    # [\s\S]: a path holding a newline is unknown too (JSON 404, not the HTML page).
    re_path(r"^[\s\S]*$", NotFoundView.as_view(), name="not-found"),
]
