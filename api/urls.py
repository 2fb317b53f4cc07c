from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganizationViewSet, basename="organisation")
router.register("cases", views.CaseViewSet, basename="case")
router.register(r"cases/(?P<case_pk>\d+)/notes", views.CaseNoteViewSet, basename="case-note")
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")
router.register("calls", views.DistressCallViewSet, basename="call")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("repatriation-plans", views.RepatriationPlanViewSet, basename="repatriation-plan")
router.register("repatriation-steps", views.RepatriationStepViewSet, basename="repatriation-step")
router.register("notifications", views.NotificationViewSet, basename="notification")

app_name = "api"

urlpatterns = [
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/cases/<int:case_pk>/consents/", views.ConsentListView.as_view(), name="case-consents"),
    path(
        "v1/cases/<int:case_pk>/consents/<int:pk>/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="case-consent-withdraw",
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
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
