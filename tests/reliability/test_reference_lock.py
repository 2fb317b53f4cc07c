"""The organisation's reference counter is locked only at the end of an intake (issue 16,
item 2): a 30-person intake does not make another intake wait, in the same organisation
or another, and concurrent intakes get unique, gapless references."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from cases.models import Case, DistressCall, Person
from cases.services import PersonIntake, distress_call_create
from tests.cases.conftest import call_data
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

INTAKE = "/cases/intake/"


def _intake_in_thread(user, persons: int, results: dict, key: str, start: threading.Event):
    def run():
        try:
            client = Client()
            client.force_login(user)
            data = call_data([{"given_name_latin": f"P{key}{i}"} for i in range(persons)])
            data["go_on"] = "1"  # past the duplicate warning: these are new persons
            start.wait()
            if key != "big":
                time.sleep(0.3)  # the big intake is under way
            began = time.monotonic()
            response = client.post(INTAKE, data)
            results[key] = (began, time.monotonic(), response.status_code)
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.parametrize("same_org", [True, False])
def test_a_long_intake_does_not_make_another_wait(same_org):
    org_a = OrganizationFactory(code="orga", country="KH")
    org_b = org_a if same_org else OrganizationFactory(code="orgb", country="KH")
    big_user = UserFactory(username="big", organization=org_a, role="caseworker")
    small_user = UserFactory(username="small", organization=org_b, role="caseworker")
    results: dict = {}
    start = threading.Event()
    threads = [
        _intake_in_thread(big_user, 30, results, "big", start),
        _intake_in_thread(small_user, 1, results, "small", start),
    ]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join(timeout=120)
    big_began, big_ended, big_status = results["big"]
    small_began, small_ended, small_status = results["small"]
    assert big_status == small_status == 302
    assert small_began < big_ended, "the small intake must start while the big one runs"
    # Not held back until the big intake commits: it ends first, in its own time.
    assert small_ended < big_ended
    references = sorted(
        Case.objects.filter(owner_organization=org_a).values_list("reference", flat=True)
    )
    if same_org:
        numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
        assert numbers == list(range(1, 32))  # unique and gapless
        big_numbers = sorted(
            int(c.reference.rsplit("-", 1)[1]) for c in Case.objects.filter(created_by=big_user)
        )
        # The 30 persons of one call got consecutive numbers (one statement).
        assert big_numbers == list(range(big_numbers[0], big_numbers[0] + 30))
    assert not Case.objects.filter(reference__startswith="pending-").exists()


def test_a_failed_intake_gives_its_numbers_back(client):
    org = OrganizationFactory(code="orgc", country="KH")
    user = UserFactory(username="cw", organization=org, role="caseworker")
    call = DistressCall(
        channel="phone", caller_relation="family", urgency="routine", summary="A call."
    )
    persons = [
        PersonIntake(person=Person(given_name_latin="A", sex="male")),
        PersonIntake(person=Person(given_name_latin="B", sex="")),  # refused by the model
    ]
    with pytest.raises(ValidationError):
        distress_call_create(by=user, call=call, persons=persons)
    client.force_login(user)
    good = call_data()
    good["go_on"] = "1"
    assert client.post(INTAKE, good).status_code == 302
    case = Case.objects.get()
    assert case.reference.endswith("-00001")
    assert case.history.get().reference == case.reference  # the change history agrees
