"""Needs and service records: a provider records its own services on a case it was granted;
without the grant it cannot; loans and their repayments; identity fields."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import TimelineEntry
from reintegration import services
from reintegration.models import Need, Repayment, ServiceRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def loan(w, by=None, amount="1000000", **extra):
    extra.setdefault("referral", w.referral)
    return services.service_record_create(
        case=w.case,
        by=by or w.provider_cw,
        type="micro_loan",
        status="ongoing",
        started_on=TODAY() - timedelta(days=10),
        amount=Decimal(amount),
        currency="khr",
        schedule="monthly",
        **extra,
    )


def test_a_provider_with_a_grant_records_its_own_service(w):
    record = loan(w)
    assert (record.provider, record.referral, record.currency) == (w.provider, w.referral, "KHR")
    entry = TimelineEntry.objects.filter(case=w.case, kind="service_recorded").get()
    assert entry.data == {"service": "micro_loan", "provider": w.provider.name}


def test_a_provider_may_not_record_a_service_for_another_organisation(w):
    with pytest.raises(ValidationError) as err:
        loan(w, provider=w.other)
    assert "provider" in err.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_the_owner_records_a_partners_service(w):
    record = services.service_record_create(
        case=w.case, by=w.caseworker, type="medical", provider=w.other, started_on=TODAY()
    )
    assert record.provider == w.other


def test_without_a_grant_recording_is_refused(w):
    # Visible (a law-enforcement referral grants view only): 403.
    with pytest.raises(PermissionDenied):
        loan(w, by=w.police_cw, referral=None)
    # Not visible at all: 404.
    with pytest.raises(Http404):
        loan(w, by=w.other_cw, referral=None)
    # A liaison's role has no such right, whatever the organisation holds.
    with pytest.raises(PermissionDenied):
        loan(w, by=w.liaison, referral=None)
    assert not ServiceRecord.objects.exists()


def test_the_pages_answer_404_and_403_as_the_access_module(client, w):
    url = reverse("reintegration:service_create", args=[w.case.pk])
    for user, status in ((w.other_cw, 404), (w.police_cw, 403), (w.provider_cw, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_a_completed_referral_takes_the_grant_back(w):
    from referrals.services import referral_complete

    referral_complete(by=w.provider_cw, referral=w.referral)
    with pytest.raises(PermissionDenied):
        loan(w, referral=None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": None}, "amount"),
        ({"currency": ""}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"schedule": "none"}, "schedule"),
        ({"ended_on": TODAY() - timedelta(days=20)}, "ended_on"),
        ({"started_on": TODAY().replace(year=1890)}, "started_on"),
    ],
)
def test_bad_loans_are_refused_with_a_message_and_nothing_saved(w, fields, field):
    values = {
        "type": "micro_loan",
        "started_on": TODAY() - timedelta(days=10),
        "amount": Decimal("100"),
        "currency": "USD",
        "schedule": "monthly",
        **fields,
    }
    with pytest.raises(ValidationError) as err:
        services.service_record_create(case=w.case, by=w.provider_cw, **values)
    assert field in err.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_a_grant_has_no_schedule_and_other_services_no_amount(w):
    grant = services.service_record_create(
        case=w.case,
        by=w.provider_cw,
        type="livelihood_grant",
        started_on=TODAY(),
        amount=Decimal("50"),
        currency="USD",
        schedule="monthly",
    )
    assert grant.schedule == "none"
    training = services.service_record_create(
        case=w.case,
        by=w.provider_cw,
        type="job_training",
        started_on=TODAY(),
        amount=Decimal("50"),
        currency="USD",
    )
    assert (training.amount, training.currency) == (None, "")


def test_repayments_up_to_the_loan_and_not_beyond(w):
    record = loan(w, amount="300")
    services.repayment_add(service=record, by=w.provider_cw, paid_on=TODAY(), amount=Decimal("100"))
    services.repayment_add(service=record, by=w.provider_cw, paid_on=TODAY(), amount=Decimal("200"))
    with pytest.raises(ValidationError) as err:
        services.repayment_add(
            service=record, by=w.provider_cw, paid_on=TODAY(), amount=Decimal("0.01")
        )
    assert "more than the loan of 300.00 KHR" in err.value.message_dict["amount"][0]
    assert services.repaid_total(record) == Decimal("300")
    assert Repayment.objects.count() == 2


def test_a_repayment_before_the_loan_or_on_a_grant_is_refused(w):
    record = loan(w)
    with pytest.raises(ValidationError):
        services.repayment_add(
            service=record,
            by=w.provider_cw,
            paid_on=record.started_on - timedelta(days=1),
            amount=Decimal("1"),
        )
    grant = services.service_record_create(
        case=w.case,
        by=w.provider_cw,
        type="livelihood_grant",
        started_on=TODAY(),
        amount=Decimal("50"),
        currency="USD",
    )
    with pytest.raises(ValidationError):
        services.repayment_add(
            service=grant, by=w.provider_cw, paid_on=TODAY(), amount=Decimal("1")
        )
    assert not Repayment.objects.exists()


def test_another_providers_record_is_read_not_changed(w):
    record = services.service_record_create(
        case=w.case, by=w.caseworker, type="medical", provider=w.other, started_on=TODAY()
    )
    with pytest.raises(PermissionDenied):
        services.service_record_update(
            service=record, by=w.provider_cw, status="completed", ended_on=TODAY()
        )


def test_identity_fields_need_view_identity(w):
    from cases import access

    access.grant(w.case, w.police, [access.RECORD_SERVICES])
    with pytest.raises(PermissionDenied):
        services.service_record_create(
            case=w.case, by=w.police_cw, type="legal_aid", started_on=TODAY(), note="Lives at …"
        )
    record = services.service_record_create(
        case=w.case, by=w.police_cw, type="legal_aid", started_on=TODAY()
    )
    assert record.note == ""


def test_needs_one_per_kind_with_the_organisation_meeting_it(w):
    services.need_set(case=w.case, by=w.caseworker, kind="shelter", status="identified")
    services.need_set(
        case=w.case, by=w.caseworker, kind="shelter", status="met", organization=w.provider
    )
    need = Need.objects.get()
    assert (need.status, need.organization) == ("met", w.provider)
    kinds = list(
        TimelineEntry.objects.filter(case=w.case, kind__startswith="need_").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["need_changed", "need_recorded"]


def test_service_page_double_submit_is_one_record(client, w):
    client.force_login(w.provider_cw)
    url = reverse("reintegration:service_create", args=[w.case.pk])
    page = client.get(url).content.decode()
    assert "submission_token" in page
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    data = {
        "type": "micro_loan",
        "provider": w.provider.pk,
        "referral": w.referral.pk,
        "status": "ongoing",
        "started_on": TODAY().isoformat(),
        "amount": "500000",
        "currency": "KHR",
        "schedule": "monthly",
        "submission_token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ServiceRecord.objects.count() == 1


def test_the_repayment_page_refuses_too_much_with_a_message(client, w):
    record = loan(w, amount="100")
    client.force_login(w.provider_cw)
    response = client.post(
        reverse("reintegration:repayment_add", args=[record.pk]),
        {"paid_on": TODAY().isoformat(), "amount": "150"},
        follow=True,
    )
    assert "more than the loan of 100.00 KHR" in response.content.decode()
    assert not Repayment.objects.exists()


def test_erasure_blanks_places_and_notes_and_keeps_the_statistics(w):
    from cases.retention import case_erase
    from reintegration import followups

    record = services.service_record_create(
        case=w.case,
        by=w.caseworker,
        type="medical",
        started_on=TODAY(),
        place="Clinic 3",
        note="Sees Dr Sok",
    )
    followups.reintegration_start(case=w.case, by=w.caseworker, returned_on=TODAY())
    fu = w.case.follow_ups.get(months=3)
    followups.follow_up_record(
        follow_up=fu,
        by=w.caseworker,
        held_on=TODAY(),
        method="visit",
        reached=True,
        safe=True,
        place="Uncle's farm",
        note="Fine",
    )
    case_erase(case=w.case, by=w.coordinator, reason="Asked by the person")
    record.refresh_from_db()
    fu.refresh_from_db()
    assert (record.place, record.note, record.type) == ("", "", "medical")
    assert (fu.place, fu.note, fu.safe) == ("", "", True)
