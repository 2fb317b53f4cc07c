"""/organisation/…: an org admin's management of their organisation's users."""

from django.urls import path

from . import views

app_name = "organisation"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path(
        "users/<int:pk>/<slug:action>/",
        views.user_action,
        name="user_action",
    ),
]
