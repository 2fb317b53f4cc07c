"""Dashboard figures: indicator frequencies and events by place, counted over the cases the
user's organisation may see, one query each, no identity."""

import pytest
from django.utils import timezone

from identification import gazetteer, services
from identification.figures import events_by_place, indicator_frequencies
from partners.roles import Role
from reports.selectors import Filters
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db


def _interviewed(case, by, answers):
    return services.interview_save(
        case=case,
        by=by,
        fields={"held_on": timezone.localdate(), "consented_to_interview": True},
        answers={"ilo": answers},
        complete=True,
    )


def test_counts_cases_of_the_organisation_only(
    org, other_org, caseworker, other_caseworker, coordinator, django_assert_num_queries
):
    for _ in range(3):
        case = make_case(org, by=caseworker)
        _interviewed(case, caseworker, {"debt_bondage": ("yes", "secret"), "isolation": ("no", "")})
        services.event_save(
            case=case,
            by=caseworker,
            fields={
                "stage": "exploitation",
                "place": gazetteer.resolve("Kantang"),
                "workplace": "Vessel X",
            },
        )
    theirs = make_case(other_org, by=other_caseworker)
    _interviewed(theirs, other_caseworker, {"isolation": ("yes", "")})
    services.event_save(
        case=theirs,
        by=other_caseworker,
        fields={"stage": "recruitment", "place": gazetteer.resolve("Poipet")},
    )
    draft = make_case(org, by=caseworker)
    services.interview_save(  # a draft is not counted
        case=draft,
        by=caseworker,
        fields={"held_on": timezone.localdate()},
        answers={"ilo": {"isolation": ("yes", "")}},
    )
    filters = Filters.default()
    with django_assert_num_queries(1):
        figure = indicator_frequencies(coordinator, filters)
    values = {str(r.label): r.value for r in figure.rows}
    assert values["Debt bondage"] == 3 and values["Isolation"] == 0
    with django_assert_num_queries(1):
        places = events_by_place(coordinator, filters)
    assert [(r.label, r.value) for r in places.rows] == [("Kantang (TH) · Exploitation", 3)]
    assert "Vessel X" not in str(places.rows) and "secret" not in str(figure.rows)


def test_left_out_without_data(org):
    coordinator = UserFactory(username="c2", organization=org, role=Role.COORDINATOR)
    assert indicator_frequencies(coordinator, Filters.default()) is None
    assert events_by_place(coordinator, Filters.default()) is None
