from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("case/<int:case_pk>/upload/", views.attachment_upload, name="upload"),
    path("<int:pk>/download/", views.attachment_download, name="download"),
    path("<int:pk>/preview/", views.attachment_preview, name="preview"),
    path("<int:pk>/thumbnail/", views.attachment_thumbnail, name="thumbnail"),
    path("<int:pk>/replace/", views.attachment_replace, name="replace"),
    path("<int:pk>/delete/", views.attachment_delete, name="delete"),
]
