from django.urls import path

from . import views

app_name = "repatriation"

urlpatterns = [
    path("", views.my_repatriations, name="mine"),
    path("cases/<int:case_pk>/plan/", views.plan_edit, name="plan_edit"),
    path("cases/<int:case_pk>/plan/status/", views.plan_status, name="plan_status"),
    path("steps/<int:pk>/", views.step_update, name="step"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
]
