"""Retention and the right to erasure: an anonymised case keeps no identity anywhere in the
database — current rows and change history alike — and keeps its statistics; the daily task
picks only closed cases past the retention period; only a coordinator of the owner may
anonymise a case now, with a reason; every anonymisation is audited; running twice is
harmless."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import retention
from cases.models import Case, CaseExploitation, CaseNote, DistressCall, Person
from cases.services import (
    case_note_add,
    case_update,
    consent_record,
    person_update,
)
from cases.tasks import anonymise_expired_cases
from exports.models import Export, ExportStatus
from fieldcrypt import cipher, rewrite
from fieldcrypt.keys import DecryptionError
from partners.models import OrganizationKind
from partners.roles import Role
from referrals.services import referral_accept, referral_create
from repatriation.models import Situation
from repatriation.services import plan_create, step_update
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

# Every identifying value the world below holds, including values later corrected (the
# change history keeps those).
SECRETS = [
    "សុខា",
    "ពៅ",
    "Sokha",
    "Pov",
    "Sokhom",
    "85512999888",
    "85512000111",
    "AB123456",
    "1990-05-01",
    "Mother in Kampong Speu",
    "Jetty 4, Kuala Terengganu",
    "Brother lives in Takeo",
    "Signed at the office in Takeo",
    "Srey Mom",
    "85512777888",
    "Evenings after nine",
    "KN 4471",
    "Ocean Star Fisheries",
    "Beaten on deck",
    "Needs a bed near Jalan Tujuh",
    "Rumah Selamat Jalan Tujuh",
    "Met him at the Jalan Ampang office",
]
# Tables whose text is searched; every table of our apps (history tables included).
OUR_APPS = ("cases", "referrals", "repatriation", "exports", "notifications", "audit")


def _decrypted(text: str, purposes: set[str]) -> str:
    """Identity is encrypted at rest (fieldcrypt): each stored value is replaced by its plain
    text, so that the test sees what the database holds with the key at hand."""

    def plain(match: re.Match) -> str:
        for purpose in purposes:
            try:
                return cipher.decrypt(match.group(0), purpose=purpose)
            except DecryptionError:
                continue
        return match.group(0)

    return re.sub(r"hwe:[A-Za-z0-9_=-]+", plain, text)


def database_text() -> str:
    """All rows of every table of our apps, as text (encrypted values decrypted)."""
    chunks: list[str] = []
    purposes = {c.purpose for c in rewrite.columns(list(apps.get_models()))}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label not in OUR_APPS:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT t::text FROM {table} t")  # noqa: S608
            chunks.extend(_decrypted(row[0], purposes) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    shelter = OrganizationFactory(
        name="Shelter MY", code="shm", country="MY", kind=OrganizationKind.SHELTER
    )
    embassy = OrganizationFactory(
        name="KH Embassy KL", code="khemb", country="MY", kind=OrganizationKind.EMBASSY
    )
    coordinator = UserFactory(username="coord", organization=owner, role=Role.COORDINATOR)
    caseworker = UserFactory(username="cw", organization=owner, role=Role.CASEWORKER)
    shelter_coord = UserFactory(username="sh-coord", organization=shelter, role=Role.COORDINATOR)
    stranger = UserFactory(
        username="stranger",
        organization=OrganizationFactory(name="Far NGO", code="far", country="TH"),
        role=Role.COORDINATOR,
    )
    case = make_case(
        owner,
        by=caseworker,
        current_place="Jetty 4, Kuala Terengganu",
        industry="03.11",
        country_of_exploitation="MY",
        person=PersonFactory.build(
            given_name="សុខា",
            family_name="ពៅ",
            given_name_latin="Sokhom",
            family_name_latin="Pov",
            phone="+85512999888",
            document_number="AB123456",
            date_of_birth=date(1990, 5, 1),
            estimated_age=None,
            family_contacts="Mother in Kampong Speu",
        ),
    )
    CaseExploitation.objects.create(case=case, type="forced_labour")
    # A correction: the history now holds the old spelling and the old phone.
    person_update(
        case=case,
        by=caseworker,
        version=Case.objects.get(pk=case.pk).version,
        changes={"given_name_latin": "Sokha", "phone": "+85512000111"},
    )
    call = DistressCall.objects.create(
        organization=owner,
        logged_by=caseworker,
        channel="phone",
        caller_relation="family",
        caller_name="Srey Mom",
        caller_phone="+85512777888",
        callback_notes="Evenings after nine",
        vessel="KN 4471",
        employer="Ocean Star Fisheries",
        summary="Beaten on deck",
        urgency="immediate",
        reported_country="MY",
    )
    call.cases.add(case)
    case_note_add(case=case, body="Brother lives in Takeo", by=caseworker)
    for purpose in ("share_partners", "repatriation", "embassy_contact"):
        consent_record(
            case=case,
            by=caseworker,
            purpose=purpose,
            granted=True,
            method="written",
            note="Signed at the office in Takeo",
        )
    referral = referral_create(
        by=caseworker,
        case=case,
        to_organization=shelter,
        service="shelter",
        urgency="urgent",
        message="Needs a bed near Jalan Tujuh",
    )
    referral_accept(by=shelter_coord, referral=referral)
    from cases import access

    access.grant(case, embassy, [access.VIEW, access.UPDATE_REPATRIATION])
    plan = plan_create(
        case=case,
        by=coordinator,
        current_country="MY",
        place="Rumah Selamat Jalan Tujuh",
        situation=Situation.SHELTER,
        home_country="KH",
        home_province="Prey Veng",
        embassy=embassy,
        lead_organization=owner,
    )
    step = plan.steps.order_by("order").first()
    step_update(
        step=step,
        by=coordinator,
        version=step.version,
        status="blocked",
        due_date=step.due_date,
        note="Met him at the Jalan Ampang office",
        reason="Met him at the Jalan Ampang office",
    )
    # An exported summary on disk.
    relative = f"exports/anon-test-{case.pk}.pdf"
    path = Path(settings.PRIVATE_FILES_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 Sokha Pov")
    export = Export.objects.create(
        requested_by=coordinator,
        organization=owner,
        case=case,
        purpose="other",
        purpose_other="For Srey Mom",
        status=ExportStatus.READY,
        file_path=relative,
        queued_at=timezone.now(),
    )
    current = Case.objects.get(pk=case.pk)
    case_update(case=current, by=coordinator, version=current.version, changes={"status": "closed"})
    yield {
        "owner": owner,
        "coordinator": coordinator,
        "caseworker": caseworker,
        "shelter_coord": shelter_coord,
        "stranger": stranger,
        "case": Case.objects.get(pk=case.pk),
        "call": call,
        "export": export,
        "path": path,
    }
    path.unlink(missing_ok=True)


def close_years_ago(case, years: float) -> None:
    Case.objects.filter(pk=case.pk).update(
        status="closed", status_changed_at=timezone.now() - timedelta(days=365.25 * years)
    )


def test_world_holds_every_secret_before(world):
    text = database_text()
    missing = [s for s in SECRETS if s not in text]
    assert not missing, f"the test world lacks {missing}: the test would prove nothing"


def test_anonymisation_removes_every_identity_value_and_keeps_statistics(world):
    case = world["case"]
    close_years_ago(case, 6)
    # Registered when he was this old: the age band must not move.
    age_at_registration = case.person.age_on(timezone.localdate(case.created_at))

    assert anonymise_expired_cases.delay().get() == 1

    text = database_text()
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"identity left in the database: {leaked}"
    assert not world["path"].exists()

    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert case.anonymised_at is not None
    assert (person.sex, str(person.nationality), person.estimated_age) == (
        "male",
        "KH",
        age_at_registration,
    )
    assert person.date_of_birth is None
    assert case.industry == "03.11" and str(case.country_of_exploitation) == "MY"
    assert case.exploitation_types == ["forced_labour"]
    assert case.status == "closed"
    assert not CaseNote.objects.filter(case=case).exists()
    call = DistressCall.objects.get(pk=world["call"].pk)
    assert (call.channel, call.caller_relation, str(call.reported_country)) == (
        "phone",
        "family",
        "MY",
    )
    export = Export.objects.get(pk=world["export"].pk)
    assert export.status == ExportStatus.EXPIRED and export.file_path == ""
    # The history keeps who changed what and when, without the values.
    assert Person.history.filter(id=person.pk).count() >= 2
    assert case.timeline.filter(kind="case_anonymised", data={"why": "retention"}).exists()
    event = AccessEvent.objects.get(action=AuditAction.CHANGED, detail__anonymised="retention")
    assert event.target_id == str(case.pk) and event.actor is None


def test_anonymised_case_page_shows_the_pseudonym(client, world):
    case = world["case"]
    retention.case_erase(case=case, by=world["coordinator"], reason="The person asked.")
    client.force_login(world["coordinator"])
    html = client.get(case.get_absolute_url()).content.decode()
    assert case.pseudonym in html and "anonymised on" in html


def test_task_picks_only_eligible_cases(world):
    case = world["case"]
    owner, worker = world["owner"], world["caseworker"]
    recent = make_case(owner, by=worker)
    close_years_ago(recent, 4)
    still_open = make_case(owner, by=worker)
    Case.objects.filter(pk=still_open.pk).update(
        status_changed_at=timezone.now() - timedelta(days=365 * 10)
    )
    # The same person in another case still in use keeps their identity.
    shared = make_case(owner, by=worker, person=Person.objects.get(pk=recent.person_id))
    close_years_ago(shared, 8)
    close_years_ago(case, 6)

    assert set(retention.expired_cases().values_list("pk", flat=True)) == {case.pk}
    assert retention.cases_anonymise_expired() == 1
    # Idempotent: the next run finds nothing, and anonymising again changes nothing.
    assert retention.cases_anonymise_expired() == 0
    again = retention.case_anonymise(case_id=case.pk, why="retention")
    assert again.anonymised_at == Case.objects.get(pk=case.pk).anonymised_at
    assert AccessEvent.objects.filter(detail__anonymised="retention").count() == 1
    for other in (recent, still_open, shared):
        assert Case.objects.get(pk=other.pk).anonymised_at is None
    assert Person.objects.get(pk=recent.person_id).given_name_latin == "Sokha"


def test_retention_period_is_a_setting(world, settings):
    case = world["case"]
    close_years_ago(case, 3)
    assert not retention.expired_cases().exists()
    settings.RETENTION_YEARS = 2
    assert list(retention.expired_cases()) == [case]


def test_coordinator_anonymises_now_with_a_reason(client, world):
    case = world["case"]  # closed today: not due for years
    client.force_login(world["coordinator"])
    url = reverse("cases:anonymise", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and case.reference in page.content.decode()
    assert url in client.get(case.get_absolute_url()).content.decode()
    # No reason, or no confirmation: nothing happens.
    assert client.post(url, {"reason": "", "confirm": "on"}).status_code == 422
    assert client.post(url, {"reason": "Asked by phone"}).status_code == 422
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    response = client.post(url, {"reason": "The person asked for erasure", "confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.anonymised_at is not None
    leaked = [s for s in SECRETS if s in database_text()]
    assert not leaked
    event = AccessEvent.objects.get(detail__anonymised="erasure")
    assert event.actor == world["coordinator"]
    assert event.detail["reason"] == "The person asked for erasure"
    assert event.ip_address == "127.0.0.1"
    # Once anonymised, the page says so instead of asking again.
    assert client.get(url).status_code == 302


def test_only_the_owners_coordinator_may_anonymise(client, world):
    case = world["case"]
    url = reverse("cases:anonymise", args=[case.pk])
    form = {"reason": "Because", "confirm": "on"}
    # A caseworker of the owner: sees the case, may not erase it.
    client.force_login(world["caseworker"])
    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    assert url not in client.get(case.get_absolute_url()).content.decode()
    # A partner's coordinator who holds the case through a referral: 403 (or 403 for change).
    client.force_login(world["shelter_coord"])
    assert client.post(url, form).status_code == 403
    # A stranger: the case does not exist for them.
    client.force_login(world["stranger"])
    assert client.get(url).status_code == 404
    assert client.post(url, form).status_code == 404
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    # The service refuses the same people.
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        retention.case_erase(case=case, by=world["caseworker"], reason="x")
    with pytest.raises(Http404):
        retention.case_erase(case=case, by=world["stranger"], reason="x")


def test_anonymise_is_post_only_for_changes(client, world):
    client.force_login(world["coordinator"])
    url = reverse("cases:anonymise", args=[world["case"].pk])
    assert client.put(url).status_code == 405
    client.get(url)
    assert Case.objects.get(pk=world["case"].pk).anonymised_at is None


def test_the_daily_task_is_scheduled():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["cases-anonymise-expired"]
    assert entry["schedule"] == timedelta(days=1)
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
