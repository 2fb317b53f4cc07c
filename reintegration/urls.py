from django.urls import path

from .views import directory, records, transfers

app_name = "reintegration"

urlpatterns = [
    path("cases/<int:case_pk>/needs/", records.needs, name="needs"),
    path("cases/<int:case_pk>/services/new/", records.service_create, name="service_create"),
    path("cases/<int:case_pk>/start/", records.start, name="start"),
    path("cases/<int:case_pk>/transfer/", transfers.request_transfer, name="transfer_request"),
    path("services/<int:pk>/", records.service_detail, name="service"),
    path("services/<int:pk>/repayments/", records.repayment_add, name="repayment_add"),
    path("follow-ups/<int:pk>/", records.follow_up, name="follow_up"),
    path("transfers/", transfers.transfer_list, name="transfers"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/<slug:action>/", transfers.transfer_action, name="transfer_action"),
    path("directory/", directory.directory_list, name="directory"),
    path("directory/mine/", directory.my_offers, name="my_offers"),
    path("directory/offers/new/", directory.offer_create, name="offer_create"),
    path("directory/offers/<int:pk>/", directory.offer_edit, name="offer_edit"),
    path("directory/offers/<int:pk>/beds/", directory.offer_beds, name="offer_beds"),
]
