"""OpenAPI examples (drf-spectacular) for the API's answers: what a client sees, with
pseudonyms and references, never a real person."""

from drf_spectacular.utils import OpenApiExample

ORG = {"id": 3, "name": "Mekong Lifeline Cambodia"}
CASE_REF = {"id": 901, "reference": "KH-MLC-2026-00131"}


def page(item: dict) -> dict:
    return {"count": 1, "next": None, "previous": None, "results": [item]}


def answer(name: str, value, *, list_page: bool = False) -> OpenApiExample:
    return OpenApiExample(
        name, value=page(value) if list_page else value, response_only=True, status_codes=["200"]
    )


CALL = {
    "id": 311,
    "organization": ORG,
    "received_at": "2026-11-29T03:12:00Z",
    "channel": "hotline",
    "urgency": "immediate",
    "caller_relation": "family",
    "language": "Khmer",
    "reported_country": "TH",
    "cases": [CASE_REF, {"id": 902, "reference": "KH-MLC-2026-00132"}],
    "created_at": "2026-11-29T03:12:04Z",
}
CALL_WITH_IDENTITY = {
    **CALL,
    "summary": "Two brothers on a fishing boat, not paid for 8 months, passports taken.",
    "caller_name": "",
    "caller_phone": "+85512345678",
    "callback_notes": "",
    "reported_place": "",
    "reported_port": "Pattani",
    "vessel": "",
    "employer": "",
}
CONSENT = {
    "id": 55,
    "purpose": "share_partners",
    "granted": True,
    "method": "verbal",
    "given_at": "2026-11-29T03:20:00Z",
    "withdrawn_at": None,
    "note": "",
}
REFERRAL = {
    "id": 77,
    "case": CASE_REF,
    "from_organization": ORG,
    "to_organization": {"id": 7, "name": "Bangkok Safe House"},
    "service": "shelter",
    "urgency": "urgent",
    "message": "Adult man, needs a bed tonight in Bangkok.",
    "status": "pending",
    "respond_by": "2026-11-30T03:30:00Z",
    "created_at": "2026-11-29T03:30:00Z",
    "responded_at": None,
    "decline_reason": "",
    "closed_at": None,
}
STEP = {
    "id": 410,
    "plan": 21,
    "order": 2,
    "kind": "travel_document",
    "responsible_organization": {"id": 12, "name": "Embassy of Cambodia, Bangkok"},
    "due_date": "2026-12-10",
    "status": "in_progress",
    "done_at": None,
    "note": "Photos sent.",
    "reason": "",
    "changed_at": "2026-11-28T09:00:00Z",
    "version": 3,
}
PLAN = {
    "id": 21,
    "case": CASE_REF,
    "situation": "shelter",
    "home_province": "Prey Veng",
    "embassy": {"id": 12, "name": "Embassy of Cambodia, Bangkok"},
    "lead_organization": {"id": 9, "name": "Migration Office Bangkok"},
    "target_return_date": "2026-12-20",
    "status": "in_progress",
    "created_at": "2026-11-20T08:00:00Z",
    "updated_at": "2026-11-28T09:00:00Z",
    "version": 2,
    "steps": [STEP],
}
NOTIFICATION = {
    "id": 1201,
    "kind": "referral_received",
    "message": "New referral for case KH-MLC-2026-00131: shelter, urgent.",
    "link": "/referrals/77/",
    "created_at": "2026-11-29T03:30:01Z",
    "read_at": None,
    "read": False,
}
ORGANISATION = {
    "id": 3,
    "name": "Mekong Lifeline Cambodia",
    "code": "mlc",
    "kind": "ngo",
    "country": "KH",
    "city": "Phnom Penh",
    "languages": "km, en",
}
TOKEN = {
    "id": 12,
    "name": "hotline",
    "key": "Xk3pQ9",
    "user": "hotline-bot",
    "created_at": "2026-11-29T03:00:00Z",
    "expires_at": "2026-12-29T03:00:00Z",
    "last_used_at": "2026-11-29T03:12:00Z",
    "revoked_at": None,
    "active": True,
}
NOTE = {
    "id": 88,
    "body": "Called the family; he is safe in port.",
    "author": "cw",
    "organization": ORG,
    "created_at": "2026-11-29T03:40:00Z",
    "updated_at": "2026-11-29T03:40:00Z",
}
PERSON = {"sex": "male", "nationality": "KH", "stateless": False, "age": 24}
CASE: dict = {
    "id": 901,
    "reference": "KH-MLC-2026-00131",
    "pseudonym": "P-BX7KQ2MN",
    "status": "active",
    "urgency": "immediate",
    "trafficking_status": "possible",
    "industry": "03.11",
    "recruiter_relation": "",
    "means_of_control": ["debt", "documents"],
    "exploitation_types": ["forced_labour"],
    "country_of_origin": "KH",
    "country_of_exploitation": "TH",
    "current_country": "TH",
    "owner_organization": ORG,
    "assigned_to": 5,
    "group": 40,
    "person": PERSON,
    "can_view_identity": False,
    "created_at": "2026-11-29T03:12:00Z",
    "updated_at": "2026-11-29T03:12:04Z",
    "version": 1,
}
