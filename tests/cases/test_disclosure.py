"""cases.disclosure is the one declaration of what is identity: for every field group, each
identity field is absent from the case page, the API and the PDF summary for a partner who
may see the case but not the identity, and shown to the owner (so the absence is real).

The values are distinct per field, so a field hidden on one surface and printed on another
cannot pass unnoticed."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from api.serializers.calls import DistressCallSerializer
from api.serializers.cases import (
    CaseNoteSerializer,
    CaseSerializer,
    ConsentSerializer,
    PersonSerializer,
)
from api.serializers.reintegration import FollowUpSerializer, ServiceRecordSerializer
from api.serializers.repatriation import RepatriationPlanSerializer, RepatriationStepSerializer
from cases import access, disclosure
from cases.models import Consent
from cases.redaction import RedactedPerson
from exports import pdf
from identification.models import IdentificationDecision, IndicatorAnswer, Interview
from reintegration.models import FollowUp, ServiceRecord
from repatriation.models import RepatriationPlan, RepatriationStep
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# One value per identity field, recognisable in any page, JSON or HTML.
TEXT = {
    ("person", "given_name"): "Gnamevisara",
    ("person", "family_name"): "Fnamekosal",
    ("person", "given_name_latin"): "Glatinbopha",
    ("person", "family_name_latin"): "Flatinmeas",
    ("person", "document_number"): "DOC-N0884421",
    ("person", "family_contacts"): "Auntie-at-Takeo-market",
    ("case", "current_place"): "Room-12-Kuantan-harbour",
    ("call", "caller_name"): "Caller-Srey-Neang",
    ("call", "callback_notes"): "Call-back-after-dark",
    ("call", "reported_place"): "Behind-the-ice-factory",
    ("call", "reported_port"): "Port-Tanjung-Manis",
    ("call", "vessel"): "Vessel-KM-Lucky-Star",
    ("call", "employer"): "Employer-Sea-Gold-Co",
    ("call", "summary"): "Summary-two-brothers-unpaid",
    ("note", "body"): "Note-body-he-hides-at-his-cousins",
    ("consent", "note"): "Consent-signed-by-uncle-Rath",
    ("plan", "place"): "Plan-place-Penang-shelter",
    ("plan", "home_province"): "Province-Svay-Rieng",
    ("step", "note"): "Step-note-photos-sent",
    ("step", "reason"): "Step-reason-waiting-for-mother",
    ("interview", "notes"): "Interview-notes-he-cried-at-the-boat",
    ("interview", "interpreter_name"): "Interpreter-Chann-Sothea",
    ("answer", "evidence"): "Evidence-captain-kept-passports",
    ("event", "workplace"): "Workplace-KM-Sea-Dragon-9",
    ("decision", "reason"): "Decision-reason-debt-and-violence",
    ("attachment", "description"): "Attachment-pay-slip-of-Visal",
    ("attachment", "original_name"): "Attachment-name-visal-contract.png",
    ("service", "place"): "Service-place-stall-17-Orussey",
    ("service", "note"): "Service-note-repays-via-sister",
    ("follow_up", "place"): "Follow-up-place-uncle-farm",
    ("follow_up", "note"): "Follow-up-note-boss-called-again",
}
OTHER = {
    ("person", "phone"): "+85512777666",
    ("person", "date_of_birth"): datetime.date(1991, 7, 23),
    ("call", "caller_phone"): "+85597333222",
}
SHOWN_AS = {("person", "date_of_birth"): "1991-07-23", ("person", "phone"): "12777666"}
# How the field shows in HTML, which formats the date, and where a phone may be spaced.
SHOWN_IN_HTML = {("person", "date_of_birth"): "1991", ("call", "caller_phone"): "333222"}

# The surfaces that show a field to whoever may see its identity (the owner): a field
# missing here would be a field nobody can read.
SURFACES = ("page", "api", "pdf")


@pytest.fixture
def world(db):
    w = build_world()
    values = {**TEXT, **OTHER}

    def put(obj, group):
        for (g, name), value in values.items():
            if g == group:
                setattr(obj, name, value)
        obj.save()

    put(w.case.person, "person")
    put(w.case, "case")
    put(w.call, "call")
    put(w.note, "note")
    for consent in Consent.objects.filter(case=w.case):
        put(consent, "consent")
    put(RepatriationPlan.objects.get(pk=w.plan.pk), "plan")
    step = RepatriationStep.objects.get(pk=w.step.pk)
    step.status = "blocked"
    put(step, "step")
    interview = Interview.objects.get(pk=w.interview.pk)
    interview.status = "complete"
    put(interview, "interview")
    for answer in IndicatorAnswer.objects.filter(interview=interview):
        put(answer, "answer")
    put(type(w.event).objects.get(pk=w.event.pk), "event")
    # The evidence file: a kind the partner sees, its description and file name not.
    put(type(w.evidence).objects.get(pk=w.evidence.pk), "attachment")
    IdentificationDecision.objects.create(
        case=w.case,
        interview=interview,
        status="actual",
        reason=TEXT[("decision", "reason")],
        decided_by=w.users["owner_coordinator"],
        organization=w.orgs["owner"],
    )
    put(ServiceRecord.objects.get(pk=w.service.pk), "service")
    put(FollowUp.objects.get(pk=w.follow_up.pk), "follow_up")
    # A partner that holds the case without its identity.
    access.grant(w.case, w.orgs["other"], [access.VIEW])
    return w


def _surfaces(client, w, user) -> dict[str, str]:
    client.force_login(user)
    case = w.case
    pages = [
        reverse("cases:detail", kwargs={"pk": case.pk}),
        reverse("cases:history", kwargs={"pk": case.pk}),
        reverse("repatriation:step", kwargs={"pk": w.step.pk}),
        reverse("identification:interview", kwargs={"pk": w.interview.pk}),
        reverse("reintegration:service", kwargs={"pk": w.service.pk}),
    ]
    apis = [
        reverse("api:case-detail", kwargs={"pk": case.pk}),
        reverse("api:case-note-list", kwargs={"case_pk": case.pk}),
        reverse("api:case-consents", kwargs={"case_pk": case.pk}),
        reverse("api:call-detail", kwargs={"pk": w.call.pk}),
        reverse("api:repatriation-plan-detail", kwargs={"pk": w.plan.pk}),
        reverse("api:repatriation-step-detail", kwargs={"pk": w.step.pk}),
        reverse("api:case-interview-list", kwargs={"case_pk": case.pk}),
        reverse("api:case-event-list", kwargs={"case_pk": case.pk}),
        reverse("api:case-attachment-list", kwargs={"case_pk": case.pk}),
        reverse("api:case-service-list", kwargs={"case_pk": case.pk}),
        reverse("api:case-follow-up-list", kwargs={"case_pk": case.pk}),
        reverse("api:follow-up-detail", kwargs={"pk": w.follow_up.pk}),
    ]
    out = {"page": "", "api": ""}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        out["page"] += response.content.decode()
    for url in apis:
        response = client.get(url)
        assert response.status_code == 200, url
        out["api"] += json.dumps(response.json(), ensure_ascii=False)
    case.refresh_from_db()
    context = pdf.summary_context(
        case=case, exporter=user, anonymised=False, purpose_label="Partner coordination"
    )
    out["pdf"] = pdf.render_html(context, "en")
    return out


@pytest.fixture
def seen(client, world):
    return {
        "owner": _surfaces(client, world, world.users["owner_coordinator"]),
        "partner": _surfaces(client, world, world.users["other_org"]),
    }


def _marks(group: str, name: str, surface: str) -> list[str]:
    key = (group, name)
    if key in TEXT:
        return [TEXT[key]]
    if surface != "api" and key in SHOWN_IN_HTML:
        return [SHOWN_IN_HTML[key]]
    return [SHOWN_AS.get(key, str(OTHER[key])[-6:])]


@pytest.mark.parametrize("group", sorted(disclosure.groups()))
def test_each_identity_field_is_hidden_from_a_partner_and_shown_to_the_owner(seen, group):
    fields = disclosure.groups()[group].identity
    assert fields
    for name in sorted(fields):
        assert (group, name) in TEXT or (group, name) in OTHER, f"no test value: {group}.{name}"
        shown_to_owner = []
        for surface in SURFACES:
            for mark in _marks(group, name, surface):
                assert mark not in seen["partner"][surface], (group, name, surface)
                if mark in seen["owner"][surface]:
                    shown_to_owner.append(surface)
        assert shown_to_owner, f"{group}.{name} is shown to nobody"


def test_the_api_shows_the_owner_every_identity_field_it_serializes(seen):
    """Each serializer of a field group returns its identity fields to the owner: the API is
    one surface where every field is readable."""
    for serializer, group in (
        (PersonSerializer, disclosure.PERSON),
        (CaseSerializer, disclosure.CASE),
        (DistressCallSerializer, disclosure.CALL),
        (CaseNoteSerializer, disclosure.NOTE),
        (ConsentSerializer, disclosure.CONSENT),
        (RepatriationPlanSerializer, disclosure.groups()["plan"]),
        (RepatriationStepSerializer, disclosure.groups()["step"]),
        (ServiceRecordSerializer, disclosure.groups()["service"]),
        (FollowUpSerializer, disclosure.groups()["follow_up"]),
    ):
        assert serializer.disclosure_group is group
        for name in group.identity & serializer().fields.keys():
            for mark in _marks(group.name, name, "api"):
                assert mark in seen["owner"]["api"], (group.name, name)


def test_the_redacted_person_has_no_identity_attribute():
    names = set(RedactedPerson.__dataclass_fields__)
    assert not names & disclosure.PERSON.identity


def test_writing_identity_needs_view_identity(world):
    partner = world.users["other_org"]
    access.grant(world.case, world.orgs["other"], [access.CHANGE])
    shown = disclosure.for_case(partner, world.case)
    assert shown.may_write(disclosure.CASE, ["status"])
    assert not shown.may_write(disclosure.CASE, ["status", "current_place"])
    assert not shown.may_write(disclosure.PERSON, ["sex"])  # the person's form shows identity
    owner = disclosure.for_case(world.users["owner_caseworker"], world.case)
    assert owner.may_write(disclosure.PERSON, ["given_name"])
    assert owner.may_write(disclosure.CASE, ["current_place"])


def test_a_group_cannot_be_declared_twice_differently():
    assert disclosure.register("note", ("body",)) is disclosure.NOTE
    with pytest.raises(ValueError):
        disclosure.register("note", ("body", "author"))
