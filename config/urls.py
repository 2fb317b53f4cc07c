from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", include("cases.urls")),
    path("exports/", include("exports.urls")),
    path("api/", include("api.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
