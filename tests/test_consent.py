import pytest
from django.utils import timezone

from cases.consent import current_consents, has_consent, missing_consents
from cases.models import Consent
from cases.vocab import ConsentMethod, ConsentPurpose

pytestmark = pytest.mark.django_db

SHARE = ConsentPurpose.SHARE_WITH_PARTNERS
EMBASSY = ConsentPurpose.EMBASSY_CONTACT


def give(case, purpose, granted=True, minutes_ago=0):
    return Consent.objects.create(
        case=case,
        purpose=purpose,
        granted=granted,
        method=ConsentMethod.VERBAL,
        given_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


def test_no_record_means_no_consent(case_in):
    assert not has_consent(case_in, SHARE)
    assert missing_consents(case_in, [SHARE, EMBASSY]) == [SHARE, EMBASSY]


def test_latest_decision_wins(case_in):
    give(case_in, SHARE, granted=True, minutes_ago=10)
    give(case_in, SHARE, granted=False, minutes_ago=5)
    assert not has_consent(case_in, SHARE)
    give(case_in, SHARE, granted=True, minutes_ago=1)
    assert has_consent(case_in, SHARE)


def test_withdrawal_takes_effect(case_in):
    consent = give(case_in, SHARE)
    give(case_in, EMBASSY, granted=False)
    assert missing_consents(case_in, [SHARE, EMBASSY]) == [EMBASSY]
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert not has_consent(case_in, SHARE)
    assert set(current_consents(case_in)) == {SHARE, EMBASSY}


def test_unknown_purpose_is_a_programming_error(case_in):
    with pytest.raises(ValueError):
        has_consent(case_in, "everything")
