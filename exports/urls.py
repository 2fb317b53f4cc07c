from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("case/<int:case_pk>/new/", views.export_request, name="request"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/status/", views.export_status, name="status"),
    path("<int:pk>/retry/", views.export_retry, name="retry"),
    path("<int:pk>/download/", views.export_download, name="download"),
]
