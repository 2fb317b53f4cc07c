from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cases.views import home

from . import views

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The service worker and the manifest live at the root: the worker's scope is the site.
    path("", include("config.pwa_urls")),
    path("accounts/", include("partners.urls")),
    path("organisation/", include("partners.org_urls")),
    path("organisation/audit/", include("audit.urls")),
    path("cases/", include("cases.urls")),
    path("exports/", include("exports.urls")),
    path("documents/", include("documents.urls")),
    path("api/", include("api.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("reports/", include("reports.urls")),
    # The admin's own login form knows nothing of two factors or lockout: send it to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("referrals/", include("referrals.urls")),
    path("notifications/", include("notifications.urls")),
    path("repatriation/", include("repatriation.urls")),
    path("identification/", include("identification.urls")),
    path("reintegration/", include("reintegration.urls")),
    path("admin/", admin.site.urls),
]
