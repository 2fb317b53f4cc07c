"""Issue 16 item 11: every timeline value in the reader's language, rights in words.

The services store codes in ``data``; the labels are looked up when the page is read, so a
Khmer reader sees Khmer even for an entry written by an English-speaking caseworker, and
entries written before codes were stored (English labels) are translated as well."""

import pytest
from django.utils import translation

from cases import services, timeline
from cases.models import TimelineEntry
from cases.vocab import CallChannel, ConsentMethod, ConsentPurpose
from partners.roles import PERM_LABELS

pytestmark = pytest.mark.django_db


def _texts(case, kind, lang):
    with translation.override(lang):
        return [i.text for i in timeline.entries_for(case) if i.kind == kind]


def test_consent_entry_stores_codes_and_reads_in_khmer(case_in, caseworker):
    with translation.override("en"):  # the writer's language must not matter
        services.consent_record(
            case=case_in,
            by=caseworker,
            purpose=ConsentPurpose.EMBASSY_CONTACT,
            granted=True,
            method=ConsentMethod.choices[0][0],
        )
    entry = TimelineEntry.objects.get(case=case_in, kind="consent_recorded")
    assert entry.data == {"purpose": "embassy_contact", "answer": "yes"}
    (text,) = _texts(case_in, "consent_recorded", "km")
    with translation.override("km"):
        assert str(ConsentPurpose.EMBASSY_CONTACT.label) in text
        assert f"({translation.gettext('yes')})" in text
    assert "yes" not in text and "embassy" not in text.lower()


@pytest.mark.parametrize("lang", ["km", "my", "th", "vi", "lo", "zh-hans"])
def test_rights_are_words_in_every_language(case_in, other_org, lang):
    timeline.record(
        case=case_in,
        kind="access_granted",
        data={
            "organization": other_org.name,
            "perms": ["update_repatriation", "view_case", "view_case_identity"],
        },
    )
    (text,) = _texts(case_in, "access_granted", lang)
    assert "view_case" not in text and "update_repatriation" not in text
    with translation.override(lang):
        assert str(PERM_LABELS["view_case_identity"]) in text


def test_old_rows_with_english_labels_are_translated(case_in, other_org):
    # As main wrote them before: display strings, and rights joined with ", ".
    TimelineEntry.objects.create(case=case_in, kind="call_logged", data={"channel": "Phone"})
    TimelineEntry.objects.create(
        case=case_in,
        kind="access_granted",
        data={"organization": other_org.name, "perms": "update_repatriation, view_case"},
    )
    from repatriation.models import StepKind

    first_step = StepKind(StepKind.values[0])
    with translation.override("en"):
        english_step = str(first_step.label)
    TimelineEntry.objects.create(
        case=case_in,
        kind="repatriation_step_changed",
        data={"step": english_step, "status": "Done"},
    )
    with translation.override("km"):
        phone = str(CallChannel.PHONE.label)
    (call,) = _texts(case_in, "call_logged", "km")
    assert phone in call and "(Phone)" not in call
    (granted,) = _texts(case_in, "access_granted", "km")
    assert "view_case" not in granted
    (step,) = _texts(case_in, "repatriation_step_changed", "km")
    with translation.override("km"):
        assert str(first_step.label) in step
    assert english_step not in step and "Done" not in step


def test_every_writer_stores_codes_for_labelled_keys(case_in, caseworker):
    """A referral and a repatriation step write service/step/status codes, not labels."""
    from referrals.models import ReferralService
    from repatriation.models import StepKind, StepStatus

    for kind, data, lang_label in [
        ("referral_sent", {"to_org": "X", "service": "repatriation"}, ReferralService.REPATRIATION),
        (
            "repatriation_step_overdue",
            {"step": StepKind.values[0]},
            StepKind(StepKind.values[0]),
        ),
        (
            "repatriation_step_changed",
            {"step": StepKind.values[0], "status": StepStatus.DONE.value},
            StepStatus.DONE,
        ),
    ]:
        timeline.record(case=case_in, kind=kind, data=data)
        (text,) = _texts(case_in, kind, "my")
        with translation.override("my"):
            assert str(lang_label.label) in text, (kind, text)
