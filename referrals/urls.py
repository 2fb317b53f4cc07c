from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("sent/", views.outgoing, name="outgoing"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("new/<int:case_pk>/", views.create, name="create"),
    path("new/<int:case_pk>/consents/", views.consent_needs, name="consent_needs"),
    path("new/<int:case_pk>/consents/record/", views.consent_record, name="consent_record"),
]
