"""/accounts/…: login in two steps, the user's own account, setting a password from a link."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.PasswordLoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/passkey/options/", views.login_passkey_options, name="login_passkey_options"),
    path("login/passkey/", views.login_passkey, name="login_passkey"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("passkeys/options/", views.passkey_register_options, name="passkey_register_options"),
    path("passkeys/", views.passkey_register, name="passkey_register"),
    path("passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("two-factor/backup-codes/", views.backup_codes_new, name="two_factor_backup_codes"),
]
