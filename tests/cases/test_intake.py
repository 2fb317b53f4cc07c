"""Distress-call intake: one and several persons, existing cases, duplicates, validation and
the single transaction."""

import pytest

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import Case, CaseGroup, DistressCall, Person, TimelineEntry
from cases.services import PersonIntake, distress_call_create
from partners.roles import Role
from tests.cases.conftest import call_data
from tests.factories import PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

URL = "/cases/intake/"


def post(client, data):
    return client.post(URL, data)


def test_intake_page_renders_with_one_person_row(client, caseworker):
    client.force_login(caseworker)
    html = client.get(URL).content.decode()
    assert "Person 1" in html and "Person 2" not in html
    # Sex is never defaulted: the empty choice is selected.
    assert 'name="persons-0-sex"' in html
    assert '<option value="male" selected>' not in html


def test_one_person_creates_one_case_linked_to_the_call(client, caseworker, org):
    client.force_login(caseworker)
    response = post(client, call_data())
    assert response.status_code == 302
    case = Case.objects.get()
    assert response.url == case.get_absolute_url()
    call = DistressCall.objects.get()
    assert list(call.cases.all()) == [case]
    assert call.organization == org and call.logged_by == caseworker
    assert str(call.caller_phone) == "+85512777888"  # E.164 from the org's region
    assert case.owner_organization == org and case.group is None
    assert case.urgency == "immediate" and case.country_of_exploitation == "MY"
    assert case.exploitation_types == ["forced_labour"]
    assert case.person.latin_name == "Kosal Im0"
    assert access.user_can(caseworker, case, access.VIEW_IDENTITY)
    kinds = set(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert {"case_created", "call_logged"} <= kinds


def test_several_persons_create_one_case_each_in_one_group(client, caseworker):
    client.force_login(caseworker)
    response = post(client, call_data([{}, {"given_name_latin": "Rithy"}, {"sex": "unknown"}]))
    assert response.status_code == 302
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == 3
    group = CaseGroup.objects.get()
    assert all(c.group == group for c in cases)
    call = DistressCall.objects.get()
    assert call.group == group
    assert set(call.cases.all()) == set(cases)
    assert len({c.reference for c in cases}) == 3


def test_add_person_button_adds_a_row_without_saving_or_judging(client, caseworker):
    client.force_login(caseworker)
    data = call_data(add_person="1", summary="")
    response = post(client, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Person 2" in html
    assert "This field is required" not in html  # half-typed input is not judged yet
    assert 'value="Kuala Terengganu"' in html  # input kept
    assert not DistressCall.objects.exists()


def test_call_about_an_existing_case_attaches_to_it(client, caseworker, case_in):
    client.force_login(caseworker)
    response = post(client, call_data(persons=[], existing_reference=case_in.reference))
    assert response.status_code == 302
    assert Case.objects.count() == 1
    assert list(DistressCall.objects.get().cases.all()) == [case_in]
    assert TimelineEntry.objects.filter(case=case_in, kind="call_logged").exists()


def test_existing_case_and_new_persons_together_is_asked_not_guessed(client, caseworker, case_in):
    client.force_login(caseworker)
    response = post(client, call_data(existing_reference=case_in.reference))
    assert response.status_code == 422
    assert "names no new persons" in response.content.decode()
    assert not DistressCall.objects.exists()


def test_existing_case_of_another_organisation_is_unknown(client, caseworker, case_out):
    client.force_login(caseworker)
    response = post(client, call_data(persons=[], existing_reference=case_out.reference))
    assert response.status_code == 422
    assert "No case with this reference that you may change" in response.content.decode()
    assert not DistressCall.objects.exists()


def test_existing_case_shared_for_viewing_only_cannot_be_attached(
    client, caseworker, case_out, org
):
    access.grant(case_out, org, [access.VIEW, access.VIEW_IDENTITY])
    client.force_login(caseworker)
    response = post(client, call_data(persons=[], existing_reference=case_out.reference))
    assert response.status_code == 422
    assert not DistressCall.objects.exists()


@pytest.mark.parametrize("role", [Role.LIAISON, Role.ORG_ADMIN])
def test_roles_that_may_not_change_cases_may_not_log_calls(client, org, role):
    user = UserFactory(username=f"u-{role}", organization=org, role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert post(client, call_data()).status_code == 403
    assert not DistressCall.objects.exists()


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("caller_phone", "12345", "Enter a valid phone number"),
        ("persons-0-phone", "+60 1", "Enter a valid phone number"),
        ("persons-0-date_of_birth", "2999-01-01", "cannot be in the future"),
        ("persons-0-date_of_birth", "1880-01-01", "age over 120 years is not plausible"),
        ("persons-0-estimated_age", "130", "age over 120 years is not plausible"),
        ("summary", "", "This field is required"),
        ("channel", "", "This field is required"),
        ("persons-0-sex", "", "This field is required"),
        ("reported_country", "XX", "Unknown country"),
        ("persons-0-nationality", "ZZ", "Unknown country"),
        ("received_at", "2999-01-01T10:00", "cannot have been received in the future"),
    ],
)
def test_each_bad_input_has_a_message_next_to_its_field(client, caseworker, field, value, message):
    client.force_login(caseworker)
    response = post(client, call_data(**{field: value}))
    assert response.status_code == 422
    html = response.content.decode()
    # The message is rendered in the field's own error list (as_field_group).
    assert f'id="id_{field}_error"' in html
    error_block = html.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert message in error_block
    assert not DistressCall.objects.exists() and not Case.objects.exists()


def test_a_person_without_any_name_is_refused(client, caseworker):
    client.force_login(caseworker)
    blank = {"given_name": "", "family_name": "", "given_name_latin": "", "family_name_latin": ""}
    response = post(client, call_data([blank]))
    assert response.status_code == 422
    assert "Give at least one name" in response.content.decode()


def test_one_bad_person_among_several_saves_nothing(client, caseworker):
    client.force_login(caseworker)
    response = post(client, call_data([{}, {"date_of_birth": "2999-01-01"}]))
    assert response.status_code == 422
    assert not DistressCall.objects.exists()
    assert not Case.objects.exists() and not Person.objects.exists()


def test_failure_inside_the_service_rolls_back_the_call_and_other_cases(caseworker, case_out):
    """The second person links to a case the user may not change: the call and the first
    person's new case are rolled back with it."""
    from django.db import transaction
    from django.http import Http404

    with pytest.raises(Http404), transaction.atomic():
        distress_call_create(
            by=caseworker,
            call=DistressCall(
                channel="phone", caller_relation="family", summary="x", urgency="urgent"
            ),
            persons=[
                PersonIntake(person=PersonFactory.build()),
                PersonIntake(link_case_id=case_out.pk),
            ],
        )
    assert not DistressCall.objects.exists()
    assert Case.objects.count() == 1  # only case_out
    assert not CaseGroup.objects.exists()


def test_an_invalid_person_in_the_service_rolls_back_everything(caseworker):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        distress_call_create(
            by=caseworker,
            call=DistressCall(
                channel="phone", caller_relation="family", summary="x", urgency="urgent"
            ),
            persons=[
                PersonIntake(person=PersonFactory.build()),
                PersonIntake(person=PersonFactory.build(estimated_age=200)),
            ],
        )
    assert not DistressCall.objects.exists()
    assert not Case.objects.exists() and not Person.objects.exists()


# --- duplicates -----------------------------------------------------------------------------


def test_similar_name_in_either_script_warns_before_saving(client, caseworker, org):
    existing = make_case(
        org,
        person=PersonFactory.build(
            given_name="កុសល", family_name="អ៊ឹម0", given_name_latin="Kossal", family_name_latin="Im"
        ),
    )
    client.force_login(caseworker)
    response = post(client, call_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Possible existing cases" in html
    assert existing.reference in html
    assert not DistressCall.objects.exists()  # nothing saved yet
    assert 'value="Kuala Terengganu"' in html  # all input kept
    assert AccessEvent.objects.filter(action=AuditAction.SEARCHED_IDENTITY).exists()


def test_same_phone_warns(client, caseworker, org):
    existing = make_case(
        org,
        person=PersonFactory.build(
            given_name="",
            family_name="",
            given_name_latin="Totally",
            family_name_latin="Other",
            phone="+60123456789",
        ),
    )
    client.force_login(caseworker)
    html = post(client, call_data([{"phone": "+60 12-345 6789"}])).content.decode()
    assert existing.reference in html


def test_same_caller_phone_as_an_earlier_call_warns(client, caseworker, org):
    client.force_login(caseworker)
    post(client, call_data())
    first = Case.objects.get()
    other = call_data(
        [
            {
                "given_name": "ស្រី",
                "family_name": "ពៅ",
                "given_name_latin": "Srei",
                "family_name_latin": "Pov",
            }
        ]
    )
    html = post(client, other).content.decode()
    assert first.reference in html


def test_no_warning_for_cases_the_user_may_not_see_identity_of(client, caseworker, org, other_org):
    hidden = make_case(
        other_org, person=PersonFactory.build(given_name_latin="Kosal", family_name_latin="Im0")
    )
    view_only = make_case(
        other_org, person=PersonFactory.build(given_name_latin="Kosal", family_name_latin="Im0")
    )
    access.grant(view_only, org, [access.VIEW])
    client.force_login(caseworker)
    response = post(client, call_data())
    assert response.status_code == 302  # no duplicate shown: saved directly
    html = client.get(response.url).content.decode()
    assert hidden.reference not in html and view_only.reference not in html


def test_go_on_creates_new_cases_after_the_warning(client, caseworker, org):
    make_case(org, person=PersonFactory.build(given_name_latin="Kosal", family_name_latin="Im0"))
    client.force_login(caseworker)
    assert post(client, call_data()).status_code == 200
    response = post(client, call_data(go_on="1"))
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_linking_to_a_duplicate_attaches_the_call_instead(client, caseworker, org):
    existing = make_case(
        org, person=PersonFactory.build(given_name_latin="Kosal", family_name_latin="Im0")
    )
    client.force_login(caseworker)
    data = call_data(
        [
            {"link_case": str(existing.pk)},
            {
                "given_name_latin": "Rithy",
                "family_name_latin": "Vong",
                "given_name": "",
                "family_name": "",
            },
        ],
        go_on="1",
    )
    response = post(client, data)
    assert response.status_code == 302
    call = DistressCall.objects.get()
    assert existing in call.cases.all() and call.cases.count() == 2
    assert Case.objects.count() == 2  # one new case only


def test_linking_to_a_foreign_case_is_404_and_saves_nothing(client, caseworker, case_out):
    client.force_login(caseworker)
    response = post(client, call_data([{"link_case": str(case_out.pk)}], go_on="1"))
    assert response.status_code == 404
    assert not DistressCall.objects.exists()


def test_stateless_person_with_a_nationality_is_refused(client, caseworker):
    client.force_login(caseworker)
    response = post(client, call_data([{"stateless": "on"}]))
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        "A stateless person has no nationality"
        in html.split('id="id_persons-0-nationality_error"')[1][:300]
    )
    assert post(client, call_data([{"stateless": "on", "nationality": ""}])).status_code == 302
    assert Person.objects.get().stateless
