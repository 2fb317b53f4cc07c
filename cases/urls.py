from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("intake/", views.intake, name="intake"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/person/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/timeline/", views.case_timeline, name="timeline"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/anonymise/", views.case_anonymise, name="anonymise"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/edit/", views.note_edit, name="note_edit"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
