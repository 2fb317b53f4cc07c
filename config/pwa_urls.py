from django.urls import path

from cases.views import offline_intake

from . import pwa

app_name = "pwa"

urlpatterns = [
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/intake/", offline_intake, name="offline_intake"),
    path("offline/token/", pwa.token, name="token"),
]
