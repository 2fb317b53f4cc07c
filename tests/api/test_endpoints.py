"""The API's workflow endpoints: distress calls, case updates, consents, referrals,
repatriation, notifications — success paths, field-level errors, the access matrix and the
absence of identity fields."""

import pytest
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import Case, Consent, DistressCall
from cases.vocab import ConsentMethod, ConsentPurpose
from notifications.models import Notification
from partners.models import OrganizationKind
from partners.roles import Role
from referrals.models import Referral
from repatriation.models import RepatriationStep, Situation
from repatriation.services import plan_create
from tests.api.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

PERSON_IDENTITY = {"given_name", "family_name", "given_name_latin", "family_name_latin", "phone"}
CALL = {
    "channel": "hotline",
    "urgency": "immediate",
    "caller_relation": "family",
    "caller_phone": "+85512345678",
    "reported_country": "TH",
    "reported_port": "Pattani",
    "summary": "Two brothers on a fishing boat, not paid for 8 months.",
    "exploitation_types": ["forced_labour"],
    "industry": "03.11",
    "persons": [
        {"given_name_latin": "Dara", "sex": "male", "estimated_age": 24, "nationality": "KH"},
        {"given_name_latin": "Vuthy", "sex": "male", "estimated_age": 19, "nationality": "KH"},
    ],
}


@pytest.fixture
def w(db):
    class W:
        pass

    ns = W()
    ns.owner = OrganizationFactory(name="Owner NGO", code="own", country="KH")
    ns.other = OrganizationFactory(name="Other NGO", code="oth", country="LA")
    ns.shelter = OrganizationFactory(name="Shelter", code="shl", country="TH")
    ns.cw = UserFactory(username="cw", organization=ns.owner, role=Role.CASEWORKER)
    ns.coord = UserFactory(username="coord", organization=ns.owner, role=Role.COORDINATOR)
    ns.liaison = UserFactory(username="liaison", organization=ns.owner, role=Role.LIAISON)
    ns.admin = UserFactory(username="admin", organization=ns.owner, role=Role.ORG_ADMIN)
    ns.other_cw = UserFactory(username="cw-other", organization=ns.other)
    ns.shelter_cw = UserFactory(username="cw-shelter", organization=ns.shelter)
    ns.case = make_case(ns.owner, by=ns.cw, current_country="TH", current_place="Room 4")
    return ns


def consent(case, purpose=ConsentPurpose.SHARE_WITH_PARTNERS):
    return Consent.objects.create(
        case=case, purpose=purpose, granted=True, method=ConsentMethod.VERBAL
    )


# --- distress calls -----------------------------------------------------------------------


def test_call_create_opens_one_case_per_person_and_retry_is_idempotent(w):
    api = bearer(w.cw)
    headers = {"HTTP_IDEMPOTENCY_KEY": "hotline-call-7781"}
    response = api.post("/api/v1/calls/", CALL, format="json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["cases"]) == 2
    assert body["caller_phone"] == "+85512345678"
    cases = Case.objects.filter(pk__in=[c["id"] for c in body["cases"]])
    assert {c.person.given_name_latin for c in cases} == {"Dara", "Vuthy"}
    assert len({c.group_id for c in cases}) == 1 and cases[0].group_id is not None
    # The hotline's retry after a timeout: the same answer, nothing created twice.
    again = api.post("/api/v1/calls/", CALL, format="json", **headers)
    assert again.status_code == 201
    assert again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    assert DistressCall.objects.count() == 1
    assert Case.objects.count() == 3
    # The same key with another body is refused.
    other = api.post("/api/v1/calls/", {**CALL, "urgency": "routine"}, format="json", **headers)
    assert other.status_code == 422


def test_call_create_field_level_errors(w):
    api = bearer(w.cw)
    bad = {
        **CALL,
        "caller_phone": "12",
        "persons": [
            {"sex": "", "estimated_age": 300},
            {"sex": "male", "nationality": "KH", "stateless": True},
        ],
    }
    response = api.post("/api/v1/calls/", bad, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "sex" in error["fields"]["persons"]["0"]
    bad["persons"] = [
        {"sex": "male", "estimated_age": 300},
        {"sex": "male", "nationality": "KH", "stateless": True},
    ]
    response = api.post("/api/v1/calls/", bad, format="json")
    fields = response.json()["error"]["fields"]
    assert "caller_phone" in fields
    bad["caller_phone"] = ""
    response = api.post("/api/v1/calls/", bad, format="json")
    fields = response.json()["error"]["fields"]
    assert fields["persons"]["0"]["estimated_age"] == ["An age over 120 years is not plausible."]
    assert fields["persons"]["1"]["nationality"] == ["A stateless person has no nationality."]
    response = api.post("/api/v1/calls/", {**CALL, "persons": []}, format="json")
    assert response.status_code == 400
    assert "persons" in response.json()["error"]["fields"]
    assert DistressCall.objects.count() == 0


def test_call_create_needs_a_role_that_may_log_calls(w):
    for user in (w.liaison, w.admin):
        assert bearer(user).post("/api/v1/calls/", CALL, format="json").status_code == 403
    assert DistressCall.objects.count() == 0


def test_call_list_and_read_follow_case_access_and_hide_identity(w):
    created = bearer(w.cw).post("/api/v1/calls/", CALL, format="json").json()
    call_id = created["id"]
    # Owner caseworker: identity present.
    body = bearer(w.cw).get(f"/api/v1/calls/{call_id}/").json()
    assert body["caller_phone"] == "+85512345678" and "summary" in body
    assert [c["id"] for c in bearer(w.cw).get("/api/v1/calls/").json()["results"]] == [call_id]
    # Other organisation: nothing.
    assert bearer(w.other_cw).get(f"/api/v1/calls/{call_id}/").status_code == 404
    assert bearer(w.other_cw).get("/api/v1/calls/").json()["results"] == []
    # A partner granted view only on both cases: the call without caller details.
    for c in created["cases"]:
        access.grant(Case.objects.get(pk=c["id"]), w.other, [access.VIEW])
    body = bearer(w.other_cw).get(f"/api/v1/calls/{call_id}/").json()
    for name in ("caller_phone", "caller_name", "reported_port", "summary"):
        assert name not in body
    assert AccessEvent.objects.filter(actor=w.other_cw, action=AuditAction.VIEWED_CASE).exists()


# --- cases: update and filters ------------------------------------------------------------


def test_case_patch_with_version_and_stale_conflict(w):
    api = bearer(w.cw)
    version = api.get(f"/api/v1/cases/{w.case.pk}/").json()["version"]
    response = api.patch(
        f"/api/v1/cases/{w.case.pk}/",
        {"version": version, "urgency": "urgent", "exploitation_types": ["forced_labour"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["urgency"] == "urgent"
    assert response.json()["exploitation_types"] == ["forced_labour"]
    assert response.json()["version"] == version + 1
    # A second client still holding the old version: 409 with the current version.
    stale = api.patch(
        f"/api/v1/cases/{w.case.pk}/", {"version": version, "urgency": "routine"}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["current_version"] == version + 1
    w.case.refresh_from_db()
    assert w.case.urgency == "urgent"


def test_case_patch_validation_and_access(w):
    api = bearer(w.cw)
    url = f"/api/v1/cases/{w.case.pk}/"
    response = api.patch(url, {"urgency": "whenever"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"version", "urgency"}
    # Assigning needs the assign permission (coordinators); only to a member of the owner.
    response = api.patch(url, {"version": 1, "assigned_to": w.coord.pk}, format="json")
    assert response.status_code == 403
    coord = bearer(w.coord)
    response = coord.patch(url, {"version": 1, "assigned_to": w.other_cw.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["assigned_to"] == [
        "Assign only to a member of the owner."
    ]
    response = coord.patch(url, {"version": 1, "assigned_to": w.coord.pk}, format="json")
    assert response.status_code == 200 and response.json()["assigned_to"] == w.coord.pk
    # Other organisation: 404; liaison (may view, not change): 403.
    assert bearer(w.other_cw).patch(url, {"version": 1}, format="json").status_code == 404
    assert bearer(w.liaison).patch(url, {"version": 1}, format="json").status_code == 403
    # Partner with view only: 403, and the identity field it cannot see cannot be written.
    access.grant(w.case, w.other, [access.VIEW, access.CHANGE])
    response = bearer(w.other_cw).patch(
        url, {"version": 1, "current_place": "Elsewhere"}, format="json"
    )
    assert response.status_code == 403


def test_case_list_filters_like_the_page(w):
    make_case(w.owner, by=w.cw, urgency="routine")
    api = bearer(w.cw)
    w.case.urgency = "immediate"
    w.case.save()
    ids = [c["id"] for c in api.get("/api/v1/cases/?urgency=immediate").json()["results"]]
    assert ids == [w.case.pk]
    assert api.get("/api/v1/cases/?status=nonsense").status_code == 400
    name = w.case.person.given_name_latin
    found = api.get(f"/api/v1/cases/?by=name&q={name}").json()["results"]
    assert w.case.pk in [c["id"] for c in found]
    assert AccessEvent.objects.filter(actor=w.cw, action=AuditAction.SEARCHED_IDENTITY).exists()
    # An org admin's role may not search by name.
    assert bearer(w.admin).get("/api/v1/cases/?by=name&q=x").status_code == 403


# --- consents -----------------------------------------------------------------------------


def test_consent_create_and_withdraw(w):
    api = bearer(w.cw)
    url = f"/api/v1/cases/{w.case.pk}/consents/"
    response = api.post(
        url, {"purpose": "share_partners", "granted": True, "method": "verbal"}, format="json"
    )
    assert response.status_code == 201, response.content
    consent_id = response.json()["id"]
    assert api.get(url).json()[0]["id"] == consent_id
    response = api.post(f"{url}{consent_id}/withdraw/")
    assert response.status_code == 200
    assert response.json()["withdrawn_at"] is not None
    # Validation: field-level messages.
    response = api.post(url, {"purpose": "gossip", "method": "verbal"}, format="json")
    assert set(response.json()["error"]["fields"]) == {"purpose", "granted"}
    future = (timezone.now() + timezone.timedelta(days=2)).isoformat()
    response = api.post(
        url,
        {"purpose": "statistics", "granted": True, "method": "verbal", "given_at": future},
        format="json",
    )
    assert response.json()["error"]["fields"]["given_at"] == [
        "Consent cannot be given in the future."
    ]
    # Access: other org 404, liaison 403 (may see, not change).
    body = {"purpose": "statistics", "granted": True, "method": "verbal"}
    assert bearer(w.other_cw).post(url, body, format="json").status_code == 404
    assert bearer(w.other_cw).post(f"{url}{consent_id}/withdraw/").status_code == 404
    assert bearer(w.liaison).post(url, body, format="json").status_code == 403


# --- referrals ----------------------------------------------------------------------------


def _refer(w, **extra):
    return bearer(w.cw).post(
        "/api/v1/referrals/",
        {
            "case": w.case.pk,
            "to_organization": w.shelter.pk,
            "service": "shelter",
            "urgency": "urgent",
            "message": "Adult man, needs a bed tonight.",
            **extra,
        },
        format="json",
    )


def test_referral_needs_consent_then_the_partner_sees_the_case_only_after_accepting(w):
    response = _refer(w)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    consent(w.case)
    response = _refer(w)
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    shelter = bearer(w.shelter_cw)
    incoming = shelter.get("/api/v1/referrals/?box=incoming").json()["results"]
    assert [r["id"] for r in incoming] == [rid]
    assert bearer(w.cw).get("/api/v1/referrals/?box=incoming").json()["results"] == []
    assert [
        r["id"] for r in bearer(w.cw).get("/api/v1/referrals/?box=outgoing").json()["results"]
    ] == [rid]
    # Pending: the receiver sees the referral, not the case.
    assert shelter.get(f"/api/v1/cases/{w.case.pk}/").status_code == 404
    # The sender cannot accept its own referral; a stranger does not see it.
    assert bearer(w.cw).post(f"/api/v1/referrals/{rid}/accept/").status_code == 403
    assert bearer(w.other_cw).post(f"/api/v1/referrals/{rid}/accept/").status_code == 404
    assert bearer(w.other_cw).get(f"/api/v1/referrals/{rid}/").status_code == 404
    response = shelter.post(f"/api/v1/referrals/{rid}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert shelter.get(f"/api/v1/cases/{w.case.pk}/").status_code == 200
    # Accepting twice: the referral is no longer pending.
    assert shelter.post(f"/api/v1/referrals/{rid}/accept/").status_code == 400
    response = shelter.post(f"/api/v1/referrals/{rid}/complete/")
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_referral_decline_needs_a_reason_and_cancel(w):
    consent(w.case)
    rid = _refer(w).json()["id"]
    shelter = bearer(w.shelter_cw)
    response = shelter.post(f"/api/v1/referrals/{rid}/decline/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = shelter.post(
        f"/api/v1/referrals/{rid}/decline/", {"reason": "No bed free."}, format="json"
    )
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "No bed free."
    assert shelter.get(f"/api/v1/cases/{w.case.pk}/").status_code == 404
    rid = _refer(w).json()["id"]
    assert bearer(w.shelter_cw).post(f"/api/v1/referrals/{rid}/cancel/").status_code == 403
    response = bearer(w.cw).post(f"/api/v1/referrals/{rid}/cancel/")
    assert response.json()["status"] == "cancelled"
    assert Referral.objects.filter(case=w.case).count() == 2


def test_referral_create_access_and_validation(w):
    consent(w.case)
    assert (
        bearer(w.other_cw)
        .post(
            "/api/v1/referrals/",
            {
                "case": w.case.pk,
                "to_organization": w.shelter.pk,
                "service": "shelter",
                "urgency": "urgent",
            },
            format="json",
        )
        .status_code
        == 404
    )
    response = _refer(w, service="spa", to_organization=999999)
    assert set(response.json()["error"]["fields"]) == {"service"}
    response = _refer(w, to_organization=999999)
    assert "to_organization" in response.json()["error"]["fields"]
    assert bearer(w.liaison).get("/api/v1/referrals/").json()["results"] == []


# --- repatriation -------------------------------------------------------------------------


@pytest.fixture
def plan(w):
    embassy = OrganizationFactory(
        name="KH Embassy BKK", code="khemb", country="TH", kind=OrganizationKind.EMBASSY
    )
    w.embassy_liaison = UserFactory(username="emb", organization=embassy, role=Role.LIAISON)
    access.grant(w.case, embassy, [access.VIEW, access.UPDATE_REPATRIATION])
    consent(w.case, ConsentPurpose.REPATRIATION)
    return plan_create(
        case=w.case,
        by=w.coord,
        current_country="TH",
        place="Shelter in Bangkok",
        situation=Situation.SHELTER,
        home_country="KH",
        home_province="Prey Veng",
        embassy=embassy,
        lead_organization=w.owner,
    )


def test_repatriation_plan_read_and_identity(w, plan):
    body = bearer(w.coord).get(f"/api/v1/repatriation-plans/{plan.pk}/").json()
    assert body["place"] == "Shelter in Bangkok"
    assert AccessEvent.objects.filter(
        actor=w.coord, action=AuditAction.VIEWED_IDENTITY, target_id=str(w.case.pk)
    ).exists()
    assert len(body["steps"]) >= 1
    emb = bearer(w.embassy_liaison)
    body = emb.get(f"/api/v1/repatriation-plans/{plan.pk}/").json()
    assert "place" not in body
    assert [p["id"] for p in emb.get("/api/v1/repatriation-plans/").json()["results"]] == [plan.pk]
    assert bearer(w.other_cw).get(f"/api/v1/repatriation-plans/{plan.pk}/").status_code == 404
    assert bearer(w.other_cw).get("/api/v1/repatriation-plans/").json()["results"] == []


def test_repatriation_step_update_with_version(w, plan):
    # The embassy as an accepted repatriation referral leaves it: with the identity, which
    # the step's note and reason are (cases.disclosure; without it: the test below).
    access.grant(w.case, w.embassy_liaison.organization, [access.VIEW_IDENTITY])
    step = plan.steps.order_by("order").first()
    url = f"/api/v1/repatriation-steps/{step.pk}/"
    emb = bearer(w.embassy_liaison)
    assert emb.get(url).json()["version"] == step.version
    assert AccessEvent.objects.filter(
        actor=w.embassy_liaison, action=AuditAction.VIEWED_CASE, target_id=str(w.case.pk)
    ).exists()
    response = emb.patch(url, {"version": step.version, "status": "blocked"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = emb.patch(
        url,
        {"version": step.version, "status": "in_progress", "note": "Papers asked."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    stale = emb.patch(url, {"version": step.version, "status": "done"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == step.version + 1
    # A caseworker may see but not update repatriation; a stranger sees nothing.
    assert (
        bearer(w.cw).patch(url, {"version": 9, "status": "done"}, format="json").status_code == 403
    )
    assert bearer(w.other_cw).get(url).status_code == 404
    assert (
        bearer(w.other_cw).patch(url, {"version": 9, "status": "done"}, format="json").status_code
        == 404
    )


def test_a_step_without_view_identity_hides_and_refuses_its_free_text(w, plan):
    """The embassy here holds view and update-repatriation without the identity: the step's
    note and reason are absent from what it reads, and sending them is refused by name."""
    step = plan.steps.order_by("order").first()
    RepatriationStep.objects.filter(pk=step.pk).update(note="Met his mother at Neak Loeung")
    url = f"/api/v1/repatriation-steps/{step.pk}/"
    emb = bearer(w.embassy_liaison)
    body = emb.get(url).json()
    assert "note" not in body and "reason" not in body
    plan_body = emb.get(f"/api/v1/repatriation-plans/{plan.pk}/").json()
    assert all("note" not in s and "reason" not in s for s in plan_body["steps"])
    refused = emb.patch(url, {"version": step.version, "note": "Papers asked."}, format="json")
    assert refused.status_code == 403
    assert "may not see the person's identity" in refused.content.decode()
    ok = emb.patch(url, {"version": step.version, "status": "in_progress"}, format="json")
    assert ok.status_code == 200, ok.content
    step.refresh_from_db()
    assert (step.status, step.note) == ("in_progress", "Met his mother at Neak Loeung")
    # The owner's coordinator, who may see the identity, reads them.
    assert bearer(w.coord).get(url).json()["note"] == "Met his mother at Neak Loeung"


# --- notifications ------------------------------------------------------------------------


def test_notifications_list_own_and_mark_read(w):
    mine = Notification.objects.create(recipient=w.cw, kind="test", message="Case X changed.")
    Notification.objects.create(recipient=w.cw, kind="test", message="Another.")
    theirs = Notification.objects.create(recipient=w.other_cw, kind="test", message="Theirs.")
    api = bearer(w.cw)
    ids = {n["id"] for n in api.get("/api/v1/notifications/").json()["results"]}
    assert theirs.pk not in ids and mine.pk in ids
    response = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert len(api.get("/api/v1/notifications/?unread=true").json()["results"]) == 1
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_person_identity_absent_for_a_partner_with_view_only(w):
    access.grant(w.case, w.other, [access.VIEW])
    body = bearer(w.other_cw).get(f"/api/v1/cases/{w.case.pk}/").json()
    assert not PERSON_IDENTITY & set(body["person"])
    assert "current_place" not in body


def test_out_of_range_ids_are_not_found_not_server_errors(w):
    api = bearer(w.cw)
    huge = 10**20
    assert api.get(f"/api/v1/cases/?group={huge}").status_code in (200, 400)
    assert api.get(f"/api/v1/calls/{huge}/").status_code == 404
    assert api.get(f"/api/v1/referrals/{huge}/").status_code == 404
    assert api.get(f"/api/v1/repatriation-steps/{huge}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{huge}/read/").status_code == 404
    response = api.post(
        "/api/v1/referrals/",
        {"case": huge, "to_organization": huge, "service": "shelter", "urgency": "urgent"},
        format="json",
    )
    assert response.status_code == 404
    response = api.post("/api/v1/calls/", {**CALL, "persons": [{"link_case": huge}]}, format="json")
    assert response.status_code in (400, 404)
    assert DistressCall.objects.count() == 0


def test_consent_create_is_idempotent_and_coordinator_may_override_consent(w):
    api = bearer(w.cw)
    url = f"/api/v1/cases/{w.case.pk}/consents/"
    body = {"purpose": "statistics", "granted": True, "method": "written"}
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Consent.objects.filter(case=w.case, purpose="statistics").count() == 1
    # No consent to share: a caseworker's override reason is ignored, a coordinator's counts.
    refer = {
        "case": w.case.pk,
        "to_organization": w.shelter.pk,
        "service": "medical",
        "urgency": "immediate",
        "override_reason": "Unconscious, needs a hospital now.",
    }
    assert api.post("/api/v1/referrals/", refer, format="json").status_code == 400
    response = bearer(w.coord).post("/api/v1/referrals/", refer, format="json")
    assert response.status_code == 201, response.content
    assert Referral.objects.get(pk=response.json()["id"]).consent_override_reason


def test_kept_answers_are_purged_once_a_retry_is_no_longer_expected(w):
    """The kept answer to a call holds the caller's phone: the hourly task deletes it after
    IDEMPOTENCY_KEEP, and only then."""
    from datetime import timedelta

    from django.conf import settings

    from api.models import IdempotencyRecord
    from api.tasks import idempotency_records_purge

    api = bearer(w.cw)
    response = api.post("/api/v1/calls/", CALL, format="json", HTTP_IDEMPOTENCY_KEY="purge-1")
    assert response.status_code == 201
    record = IdempotencyRecord.objects.get(key="purge-1")
    assert "+85512345678" in str(record.body)
    soon = record.created_at + settings.IDEMPOTENCY_KEEP - timedelta(minutes=1)
    assert idempotency_records_purge(now=soon) == 0
    later = record.created_at + settings.IDEMPOTENCY_KEEP + timedelta(minutes=1)
    assert idempotency_records_purge(now=later) == 1
    assert not IdempotencyRecord.objects.filter(key="purge-1").exists()
