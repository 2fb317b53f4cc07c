"""Screening interviews: each indicator set saved and resumed, skipped questions, dates in a
sane range, the child rule, and the summary that points but never decides."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import DistressCall, TimelineEntry
from cases.services import distress_call_create
from identification import services
from identification.indicators import AmpElement, IloIndicator, InterviewStatus
from identification.models import IndicatorAnswer
from identification.summary import summarise, summary_of

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


def _fields(**extra):
    return {"held_on": timezone.localdate(), "consented_to_interview": True, **extra}


def test_ilo_answers_saved_as_a_draft_then_resumed(fisherman_case, caseworker):
    first = {
        "ilo": {IloIndicator.DEBT_BONDAGE: ("yes", "Owed 30,000 baht"), "isolation": ("no", "")}
    }
    interview = services.interview_save(
        case=fisherman_case, by=caseworker, fields=_fields(), answers=first
    )
    assert interview.status == InterviewStatus.DRAFT
    # Resumed: one more answer, one changed, the others kept as they were.
    more = {
        "ilo": {
            IloIndicator.DEBT_BONDAGE: ("yes", "Owed 30,000 baht"),
            "isolation": ("yes", ""),
            IloIndicator.RETENTION_OF_DOCUMENTS: ("declined", ""),
        }
    }
    services.interview_save(
        case=fisherman_case, by=caseworker, fields=_fields(), answers=more, interview=interview
    )
    rows = {
        a.code: (a.answer, a.evidence) for a in IndicatorAnswer.objects.filter(interview=interview)
    }
    assert rows == {
        "debt_bondage": ("yes", "Owed 30,000 baht"),
        "isolation": ("yes", ""),
        "retention_of_documents": ("declined", ""),
    }
    kinds = list(TimelineEntry.objects.filter(case=fisherman_case).values_list("kind", flat=True))
    assert "interview_started" in kinds and "interview_saved" in kinds


def test_amp_answers_saved_resumed_and_completed(fisherman_case, caseworker):
    interview = services.interview_save(
        case=fisherman_case,
        by=caseworker,
        fields=_fields(),
        answers={"amp": {AmpElement.RECRUITMENT: ("yes", "")}},
    )
    services.interview_save(
        case=fisherman_case,
        by=caseworker,
        fields=_fields(),
        answers={
            "amp": {
                AmpElement.RECRUITMENT: ("yes", ""),
                AmpElement.DECEPTION: ("yes", "Promised factory work"),
                AmpElement.EXPLOITATION: ("yes", ""),
            }
        },
        interview=interview,
        complete=True,
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETE
    assert summary_of(interview).amp_text() == "Act, means and purpose present"
    with pytest.raises(ValidationError):  # complete: no longer changed
        services.interview_save(
            case=fisherman_case, by=caseworker, fields=_fields(), answers={}, interview=interview
        )


def test_every_question_may_be_skipped_in_a_draft(fisherman_case, caseworker):
    interview = services.interview_save(
        case=fisherman_case, by=caseworker, fields={"held_on": timezone.localdate()}, answers={}
    )
    assert interview.answers.count() == 0 and interview.status == InterviewStatus.DRAFT


def test_completing_needs_the_persons_agreement(fisherman_case, caseworker):
    with pytest.raises(ValidationError) as e:
        services.interview_save(
            case=fisherman_case,
            by=caseworker,
            fields={"held_on": timezone.localdate()},
            answers={},
            complete=True,
        )
    assert "consented_to_interview" in e.value.error_dict


def test_an_interview_in_the_future_is_refused(fisherman_case, caseworker):
    with pytest.raises(ValidationError) as e:
        services.interview_save(
            case=fisherman_case,
            by=caseworker,
            fields=_fields(held_on=timezone.localdate() + dt.timedelta(days=2)),
            answers={},
        )
    assert "held_on" in e.value.error_dict


def test_an_interview_before_the_call_is_refused(fisherman_case, caseworker):
    distress_call_create(
        by=caseworker,
        call=DistressCall(
            channel="phone",
            caller_relation="family",
            summary="Brother on a boat",
            urgency="urgent",
            received_at=timezone.now() - dt.timedelta(days=10),
        ),
        existing_case=fisherman_case,
    )
    with pytest.raises(ValidationError) as e:
        services.interview_save(
            case=fisherman_case,
            by=caseworker,
            fields=_fields(held_on=timezone.localdate() - dt.timedelta(days=11)),
            answers={},
        )
    assert "before the case's first call" in str(e.value.error_dict["held_on"])
    services.interview_save(  # the day of the call is fine
        case=fisherman_case,
        by=caseworker,
        fields=_fields(held_on=timezone.localdate() - dt.timedelta(days=10)),
        answers={},
    )


def test_a_child_with_means_required_is_a_clear_error(child_case, caseworker):
    with pytest.raises(ValidationError) as e:
        services.interview_save(
            case=child_case, by=caseworker, fields=_fields(means_required=True), answers={}
        )
    assert "for a child the means need not be shown" in str(e.value.error_dict["means_required"])


def test_for_a_child_act_and_purpose_suffice(child_case, caseworker):
    interview = services.interview_save(
        case=child_case,
        by=caseworker,
        fields=_fields(),
        answers={"amp": {AmpElement.TRANSPORT: ("yes", ""), AmpElement.EXPLOITATION: ("yes", "")}},
    )
    summary = summary_of(interview)
    assert not summary.means_required and summary.elements_present
    assert "need not be shown" in summary.amp_text()


def test_for_an_adult_the_means_are_needed():
    summary = summarise({}, {"act_transport": "yes", "purpose_exploitation": "yes"})
    assert not summary.elements_present
    assert summary.amp_text() == "Not shown: means"


def test_summary_counts_forced_labour_indicators():
    answers = dict.fromkeys(list(IloIndicator.values)[:6], "yes")
    answers[IloIndicator.EXCESSIVE_OVERTIME] = "unknown"
    answers[IloIndicator.DEBT_BONDAGE] = "declined"
    summary = summarise(answers, {})
    assert summary.ilo_text() == "Forced-labour indicators: 6 of 11"
    assert "forced_labour" in summary.exploitation_types
    assert "physical_violence" in summary.means_of_control


def test_unknown_codes_and_answers_are_refused(fisherman_case, caseworker):
    for answers in (
        {"ilo": {"bogus": ("yes", "")}},
        {"ilo": {"isolation": ("maybe", "")}},
        {"x": {}},
    ):
        with pytest.raises(ValidationError):
            services.interview_save(
                case=fisherman_case, by=caseworker, fields=_fields(), answers=answers
            )


def test_evidence_note_has_a_maximum(fisherman_case, caseworker):
    with pytest.raises(ValidationError):
        services.interview_save(
            case=fisherman_case,
            by=caseworker,
            fields=_fields(),
            answers={"ilo": {"isolation": ("yes", "x" * 1001)}},
        )


def test_a_liaison_may_not_interview(fisherman_case, liaison):
    with pytest.raises(PermissionDenied):
        services.interview_save(case=fisherman_case, by=liaison, fields=_fields(), answers={})
