from django.urls import path

from . import views

app_name = "identification"

urlpatterns = [
    path("cases/<int:case_pk>/interviews/new/", views.interview_new, name="interview_new"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview"),
    path("interviews/<int:pk>/decide/", views.decide, name="decide"),
    path("interviews/<int:pk>/suggestions/", views.apply_suggestions, name="suggestions"),
    path("cases/<int:case_pk>/events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_edit, name="event"),
    path("places/", views.places, name="places"),
]
