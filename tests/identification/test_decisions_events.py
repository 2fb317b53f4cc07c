"""The decision: linked to a complete interview, with a reason, by a coordinator, through
cases' status service, on the timeline, in the history and audited. Trafficking events
with gazetteer places."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, TimelineEntry
from cases.timeline import entries_for
from identification import gazetteer, services
from identification.models import IdentificationDecision

pytestmark = pytest.mark.django_db


def _interview(case, by, *, complete=True):
    return services.interview_save(
        case=case,
        by=by,
        fields={"held_on": timezone.localdate(), "consented_to_interview": True},
        answers={"ilo": {"debt_bondage": ("yes", "")}},
        complete=complete,
    )


def test_the_decision_is_linked_on_the_timeline_in_history_and_audited(
    fisherman_case, caseworker, coordinator
):
    interview = _interview(fisherman_case, caseworker)
    decision = services.identification_decide(
        interview=interview, status="actual", reason="Debt bondage on the vessel", by=coordinator
    )
    assert IdentificationDecision.objects.get().interview == interview
    case = Case.objects.get(pk=fisherman_case.pk)
    assert case.trafficking_status == "actual"
    assert case.trafficking_status_decided_by_org == coordinator.organization
    assert case.trafficking_status_decider_kind == "ngo"
    assert case.trafficking_status_decided_at == timezone.localdate()
    entry = TimelineEntry.objects.get(case=case, kind="identification_decided")
    assert entry.data == {"status": "actual", "interview": interview.pk}  # codes only
    assert any("Identified victim" in item.text for item in entries_for(case))
    assert case.history.filter(trafficking_status="actual").exists()  # the change history
    event = AccessEvent.objects.filter(detail__identification_decision=decision.pk).get()
    assert event.actor == coordinator and event.detail["interview"] == interview.pk


def test_a_decision_needs_a_reason(fisherman_case, caseworker, coordinator):
    interview = _interview(fisherman_case, caseworker)
    with pytest.raises(ValidationError) as e:
        services.identification_decide(
            interview=interview, status="actual", reason="  ", by=coordinator
        )
    assert "reason" in e.value.error_dict
    assert Case.objects.get(pk=fisherman_case.pk).trafficking_status == "possible"


def test_a_draft_is_never_a_decision(fisherman_case, caseworker, coordinator):
    interview = _interview(fisherman_case, caseworker, complete=False)
    with pytest.raises(ValidationError):
        services.identification_decide(
            interview=interview, status="actual", reason="x", by=coordinator
        )
    assert not IdentificationDecision.objects.exists()


def test_only_coordinators_decide(fisherman_case, caseworker, other_caseworker):
    interview = _interview(fisherman_case, caseworker)
    with pytest.raises(PermissionDenied):
        services.identification_decide(
            interview=interview, status="actual", reason="x", by=caseworker
        )
    from django.http import Http404

    with pytest.raises(Http404):
        services.identification_decide(
            interview=interview, status="actual", reason="x", by=other_caseworker
        )


def test_events_with_places_in_several_scripts(fisherman_case, caseworker):
    recruitment = services.event_save(
        case=fisherman_case,
        by=caseworker,
        fields={
            "stage": "recruitment",
            "place": gazetteer.resolve("បន្ទាយមានជ័យ"),
            "period": "early 2025",
            "recruitment_method": "broker",
            "debt_amount": Decimal("30000"),
            "debt_currency": "thb",
        },
    )
    exploitation = services.event_save(
        case=fisherman_case,
        by=caseworker,
        fields={
            "stage": "exploitation",
            "place": gazetteer.resolve("กันตัง"),
            "started_on": timezone.localdate() - dt.timedelta(days=200),
            "industry": "03.11",
            "workplace": "Sor. Somchai 7",
        },
    )
    assert recruitment.place.code == "KH-1" and recruitment.debt_currency == "THB"
    assert exploitation.place == gazetteer.resolve("Kantang port")
    assert TimelineEntry.objects.filter(case=fisherman_case, kind="event_added").count() == 2


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"stage": "transit", "recruitment_method": "broker"}, "recruitment_method"),
        (
            {"stage": "recruitment", "recruitment_method": "broker", "recruitment_app": "LINE"},
            "recruitment_app",
        ),
        ({"stage": "recruitment", "debt_amount": Decimal("5")}, "debt_currency"),
        (
            {"stage": "recruitment", "debt_amount": Decimal("1000000000"), "debt_currency": "THB"},
            "debt_amount",
        ),
        (
            {
                "stage": "exploitation",
                "started_on": dt.date(2025, 5, 1),
                "ended_on": dt.date(2025, 1, 1),
            },
            "ended_on",
        ),
        ({"stage": "exploitation", "started_on": dt.date(2099, 1, 1)}, "started_on"),
    ],
)
def test_event_bad_input(fisherman_case, caseworker, fields, field):
    with pytest.raises(ValidationError) as e:
        services.event_save(
            case=fisherman_case,
            by=caseworker,
            fields={**fields, "place": gazetteer.resolve("Kantang")},
        )
    assert field in e.value.error_dict


def test_suggestions_are_applied_only_when_confirmed(fisherman_case, caseworker):
    services.suggestions_apply(
        case=fisherman_case, by=caseworker, means=["debt_bondage"], exploitation=["forced_labour"]
    )
    case = Case.objects.get(pk=fisherman_case.pk)
    assert "debt_bondage" in case.means_of_control and "forced_labour" in case.exploitation_types


def test_anonymising_the_case_removes_identity_level_parts(fisherman_case, caseworker, coordinator):
    from cases.retention import case_anonymise
    from identification.models import IndicatorAnswer, Interview, TraffickingEvent

    interview = services.interview_save(
        case=fisherman_case,
        by=caseworker,
        fields={
            "held_on": timezone.localdate(),
            "consented_to_interview": True,
            "notes": "Met at home",
            "interpreter_name": "Chenda",
        },
        answers={"ilo": {"isolation": ("yes", "Kept on the boat")}},
        complete=True,
    )
    services.event_save(
        case=fisherman_case,
        by=caseworker,
        fields={
            "stage": "exploitation",
            "place": gazetteer.resolve("Kantang"),
            "workplace": "KN 1",
        },
    )
    services.identification_decide(
        interview=interview, status="actual", reason="Seen", by=coordinator
    )
    case_anonymise(case_id=fisherman_case.pk, by=coordinator, why="erasure")
    interview = Interview.objects.get()
    assert (interview.notes, interview.interpreter_name) == ("", "")
    assert (
        IndicatorAnswer.objects.get().evidence == ""
        and IndicatorAnswer.objects.get().answer == "yes"
    )
    assert TraffickingEvent.objects.get().workplace == ""
    assert IdentificationDecision.objects.get().reason == "—"
