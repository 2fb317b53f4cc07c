"""One small world for the security tests: an owner organisation with a member of each role,
an unrelated organisation, and four organisations the case was referred to, whose referral is
pending, accepted, declined and cancelled. Every object that has an id in a URL exists once,
so that the walker and the matrix can fill in the kwargs of every route.

User-supplied text carries ``PAYLOAD`` where the escaping tests need it."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from api.models import ApiToken
from cases import access
from cases.models import DistressCall
from cases.services import case_note_add, consent_record, distress_call_create
from documents.models import AttachmentKind
from documents.services import attachment_thumbnail_make, attachment_upload
from documents.validation import validate_bytes
from exports.services import export_request
from identification import gazetteer
from identification import services as identification
from notifications.models import PushSubscription
from notifications.services import notify
from partners.models import OrganizationKind, Passkey
from partners.roles import Role
from referrals import services as referrals
from reintegration import directory, followups, transfers
from reintegration import services as reintegration
from repatriation.models import Situation
from repatriation.services import plan_create, template_create
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, make_case

PAYLOAD = "<script>alert(1)</script>"
# A 1×1 PNG (the world's attachments).
_WORLD_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
SECRET_NAME = "Zzsecretname"  # a Latin name to look for in lists the user may not see

# The users of the matrix, by key: (organisation key, role).
USERS = {
    "owner_caseworker": ("owner", Role.CASEWORKER),
    "owner_coordinator": ("owner", Role.COORDINATOR),
    "owner_org_admin": ("owner", Role.ORG_ADMIN),
    "owner_liaison": ("owner", Role.LIAISON),
    "other_org": ("other", Role.CASEWORKER),
    "other_org_admin": ("other", Role.ORG_ADMIN),
    "referred_pending": ("pending", Role.CASEWORKER),
    "referred_accepted": ("accepted", Role.CASEWORKER),
    "referred_declined": ("declined", Role.CASEWORKER),
    "referred_cancelled": ("cancelled", Role.CASEWORKER),
    "embassy_liaison": ("embassy", Role.LIAISON),
}


def build_world(*, person_name: str = SECRET_NAME, text: str = "") -> SimpleNamespace:
    """``text`` goes into every free-text field a user can type (notes, messages, places)."""
    w = SimpleNamespace()
    w.orgs = {
        "owner": OrganizationFactory(name="Owner NGO", code="sown", country="KH"),
        "other": OrganizationFactory(name="Unrelated NGO", code="soth", country="LA"),
        "pending": OrganizationFactory(name="Pending Shelter", code="spen", country="TH"),
        "accepted": OrganizationFactory(name="Accepted Shelter", code="sacc", country="MY"),
        "declined": OrganizationFactory(name="Declined Clinic", code="sdec", country="TH"),
        "cancelled": OrganizationFactory(name="Cancelled Legal", code="scan", country="VN"),
        "embassy": OrganizationFactory(
            name="KH Embassy", code="semb", country="MY", kind=OrganizationKind.EMBASSY
        ),
    }
    w.users = {
        key: UserFactory(username=f"s-{key}", organization=w.orgs[org], role=role)
        for key, (org, role) in USERS.items()
    }
    cw = w.users["owner_caseworker"]
    if text:  # names of users are typed by org admins
        cw.first_name = cw.last_name = text
        cw.save(update_fields=["first_name", "last_name"])
    coord = w.users["owner_coordinator"]
    person = PersonFactory.build(
        given_name=person_name,
        family_name=person_name,
        given_name_latin=person_name,
        family_name_latin=person_name,
        phone="+85512999888",
    )
    w.case = make_case(w.orgs["owner"], by=cw, person=person, current_place=text or "Kuantan")
    for purpose in ("share_partners", "repatriation", "embassy_contact", "law_enforcement"):
        consent_record(
            case=w.case,
            by=cw,
            purpose=purpose,
            granted=True,
            method="written",
            note=text,
        )
    w.consent = w.case.consents.order_by("pk").first()
    w.note = case_note_add(case=w.case, body=text or "A note", by=cw)
    # A distress call about the case (its summary is identity).
    w.call, _cases = distress_call_create(
        by=cw,
        call=DistressCall(
            channel="phone", caller_relation="family", summary=text or "A call", urgency="urgent"
        ),
        existing_case=w.case,
    )
    w.referrals = {}
    for state in ("pending", "accepted", "declined", "cancelled"):
        referral = referrals.referral_create(
            by=cw,
            case=w.case,
            to_organization=w.orgs[state],
            service="shelter",
            urgency="urgent",
            message=text,
        )
        receiver = w.users[f"referred_{state}"]
        if state == "accepted":
            referrals.referral_accept(by=receiver, referral=referral)
        elif state == "declined":
            referrals.referral_decline(by=receiver, referral=referral, reason=text or "Full")
        elif state == "cancelled":
            referrals.referral_accept(by=receiver, referral=referral)
            referrals.referral_cancel(by=cw, referral=referral)
        referral.refresh_from_db()
        w.referrals[state] = referral
    w.referral = w.referrals["accepted"]
    w.plan = plan_create(
        case=w.case,
        by=coord,
        current_country="MY",
        place=text or "Shelter in Penang",
        situation=Situation.SHELTER,
        home_country="KH",
        home_province="Prey Veng",
        embassy=w.orgs["embassy"],
        lead_organization=w.orgs["accepted"],
    )
    w.step = w.plan.steps.order_by("order").first()
    # The embassy holds what an accepted repatriation referral grants.
    access.grant(
        w.case, w.orgs["embassy"], [access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION]
    )
    # A screening interview (a draft, with an evidence note) and a trafficking event.
    w.interview = identification.interview_save(
        case=w.case,
        by=cw,
        fields={"held_on": timezone.localdate(), "interpreter_name": text or "Interpreter"},
        answers={"ilo": {"isolation": ("yes", text or "Kept on board")}},
    )
    w.event = identification.event_save(
        case=w.case,
        by=cw,
        fields={
            "stage": "exploitation",
            "place": gazetteer.resolve("Kantang"),
            "workplace": text or "Vessel 7",
        },
    )
    # Reintegration: a loan the owner provides, the follow-ups, a pending transfer to the
    # accepted shelter, and an offer of the owner's in the service directory.
    w.service = reintegration.service_record_create(
        case=w.case,
        by=cw,
        type="micro_loan",
        started_on=w.case.created_at.date(),
        amount=1000,
        currency="USD",
        schedule="monthly",
        place=text or "Market stall",
        note=text or "A loan",
    )
    w.follow_up = followups.reintegration_start(
        case=w.case, by=cw, returned_on=w.case.created_at.date()
    )[0]
    w.transfer = transfers.transfer_request(
        case=w.case, by=coord, to_organization=w.orgs["accepted"], reason=text or "Home now"
    )
    w.offer = directory.offer_save(
        by=coord, areas=[("KH", "KH-12")], service="shelter", how_to_refer=text or "Call"
    )
    w.export = export_request(user=coord, case_id=w.case.pk, purpose="partner_coordination")
    # An identity document and a piece of evidence (documents/: identity kinds need view
    # identity; the evidence is seen by everyone who may see the case).
    w.attachment = attachment_upload(
        case=w.case,
        by=cw,
        files=[validate_bytes(_WORLD_PNG, "passport.png")],
        kind=AttachmentKind.PASSPORT_OR_ID,
        description=text,
    )[0]
    attachment_thumbnail_make(attachment_id=w.attachment.pk)  # the task's body, here
    w.evidence = attachment_upload(
        case=w.case,
        by=cw,
        files=[validate_bytes(_WORLD_PNG, "contract.png")],
        kind=AttachmentKind.EVIDENCE,
        description=text,
    )[0]
    w.template = template_create(by=w.users["owner_org_admin"], name=text or "Route")
    w.token, _ = ApiToken.issue(user=cw, name="script")
    (w.notification,) = notify(
        recipients=[cw],
        kind="test",
        message="Case %(ref)s",
        params={"ref": text or "x"},
        link="/",
    )
    # A device of the caseworker's that receives push notifications.
    w.push_subscription = PushSubscription.objects.create(
        user=cw, endpoint="https://fcm.googleapis.com/fcm/send/world", p256dh="k", auth="a"
    )
    # A passkey of a member of the owner organisation outside the matrix's columns (a
    # second factor would make the columns' password-only test logins owe their code).
    keeper = UserFactory(username="s-passkey-keeper", organization=w.orgs["owner"])
    w.passkey = Passkey.objects.create(
        user=keeper, name="Phone", confirmed=True, credential_id=b"world", public_key=b"k"
    )
    return w


def kwargs_ids(w: SimpleNamespace) -> dict[str, int]:
    """The ids a route's kwargs may take from the world."""
    return {
        "case": w.case.pk,
        "note": w.note.pk,
        "consent": w.consent.pk,
        "referral": w.referral.pk,
        **{f"referral_{state}": r.pk for state, r in w.referrals.items()},
        "call": w.call.pk,
        "plan": w.plan.pk,
        "step": w.step.pk,
        "export": w.export.pk,
        "attachment": w.attachment.pk,
        "evidence": w.evidence.pk,
        "template": w.template.pk,
        "token": w.token.pk,
        "notification": w.notification.pk,
        "push_subscription": w.push_subscription.pk,
        "passkey": w.passkey.pk,
        "service": w.service.pk,
        "follow_up": w.follow_up.pk,
        "transfer": w.transfer.pk,
        "offer": w.offer.pk,
        "member": w.users["owner_caseworker"].pk,
        "organisation": w.orgs["owner"].pk,
        "interview": w.interview.pk,
        "event": w.event.pk,
    }


__all__ = ["PAYLOAD", "SECRET_NAME", "USERS", "build_world", "kwargs_ids"]
