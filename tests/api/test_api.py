"""The REST API: tokens, the access matrix, identity-field absence, errors, idempotency."""

import pytest
from django.utils import timezone

from api.models import ApiToken
from audit.models import AccessEvent, AuditAction
from cases import access
from cases.models import CaseNote
from partners.roles import Role
from tests.api.conftest import bearer
from tests.factories import PASSWORD, OrganizationFactory, PersonFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

IDENTITY = {
    "given_name",
    "family_name",
    "given_name_latin",
    "family_name_latin",
    "date_of_birth",
    "phone",
    "document_number",
    "family_contacts",
}


@pytest.fixture
def world(db):
    owner = OrganizationFactory(name="Owner NGO", code="own")
    other = OrganizationFactory(name="Other NGO", code="oth")
    viewer = OrganizationFactory(name="Viewer", code="vwo")
    case = make_case(
        owner, person=PersonFactory.build(given_name="ពិសិដ្ឋ", family_name="ឈឹម", phone="+85512777666")
    )
    access.grant(case, viewer, [access.VIEW])
    return {"owner": owner, "other": other, "viewer": viewer, "case": case}


# --- tokens ------------------------------------------------------------------------------


def test_token_issue_use_expire_and_revoke(api, caseworker, case_in):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "cw", "password": PASSWORD, "name": "hotline"},
        format="json",
    )
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    assert raw.startswith("hw_")
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert raw.split("_", 2)[2] not in token.secret_hash  # only a hash is stored
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/cases/").status_code == 200
    # Expired: refused like an unknown token.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid, expired or revoked token."
    # Revoked.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timezone.timedelta(1))
    assert api.get("/api/v1/cases/").status_code == 200
    assert api.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    assert api.get("/api/v1/cases/").status_code == 401


def test_wrong_password_and_garbage_tokens(api, caseworker):
    response = api.post(
        "/api/v1/auth/token/", {"username": "cw", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    for header in ("Bearer hw_nothing", "Bearer hw_abc_def", "Bearer xx_a_b"):
        api.credentials(HTTP_AUTHORIZATION=header)
        assert api.get("/api/v1/cases/").status_code == 401


def test_token_endpoint_locks_a_username_after_repeated_failures(api, caseworker):
    """django-axes guards the token endpoint as it guards the login page."""
    codes = [
        api.post(
            "/api/v1/auth/token/", {"username": "cw", "password": "nope"}, format="json"
        ).status_code
        for _ in range(6)
    ]
    # The fifth failure reaches the limit (AXES_FAILURE_LIMIT = 5) and is answered locked.
    assert codes == [401] * 4 + [429, 429]
    response = api.post(
        "/api/v1/auth/token/", {"username": "cw", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429 and response.json()["error"]["code"] == "locked_out"


def test_token_endpoint_is_rate_limited_per_address(api, caseworker):
    """Even with the right password, at most 10 tokens a minute from one address."""
    codes = [
        api.post(
            "/api/v1/auth/token/", {"username": "cw", "password": PASSWORD}, format="json"
        ).status_code
        for _ in range(12)
    ]
    assert codes == [201] * 10 + [429, 429]


def test_org_admin_revokes_tokens_of_their_organisation_only(org, other_org, caseworker):
    admin = UserFactory(username="admin-org", organization=org, role=Role.ORG_ADMIN)
    mine, _ = ApiToken.issue(user=caseworker)
    foreign, _ = ApiToken.issue(user=UserFactory(username="far", organization=other_org))
    client = bearer(admin)
    listed = {t["id"] for t in client.get("/api/v1/auth/tokens/").json()["results"]}
    assert mine.pk in listed and foreign.pk not in listed
    assert client.delete(f"/api/v1/auth/tokens/{foreign.pk}/").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{mine.pk}/").status_code == 204
    mine.refresh_from_db()
    assert mine.revoked_by == admin and not mine.is_active


def test_a_caseworker_cannot_revoke_a_colleagues_token(org, caseworker):
    colleague = UserFactory(username="colleague", organization=org)
    token, _ = ApiToken.issue(user=colleague)
    assert bearer(caseworker).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404


def test_revoking_twice_keeps_the_first_revocation_and_audits_it_once(org, caseworker):
    token, _ = ApiToken.issue(user=caseworker)
    client = bearer(caseworker)
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    first = token.revoked_at
    assert first is not None and token.revoked_by == caseworker
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at == first
    events = AccessEvent.objects.filter(
        action=AuditAction.CHANGED, target_type="api.apitoken", target_id=str(token.pk)
    )
    assert [(e.actor, e.detail) for e in events] == [(caseworker, {"revoked": True})]


# --- the access matrix -------------------------------------------------------------------

MATRIX = {
    ("owner", Role.CASEWORKER): (True, True),
    ("owner", Role.COORDINATOR): (True, True),
    ("owner", Role.LIAISON): (True, True),
    ("owner", Role.ORG_ADMIN): (False, False),
    ("other", Role.CASEWORKER): (False, False),
    ("other", Role.COORDINATOR): (False, False),
    ("viewer", Role.CASEWORKER): (True, False),
    ("viewer", Role.LIAISON): (True, False),
    ("viewer", Role.ORG_ADMIN): (False, False),
}


@pytest.mark.parametrize(("org_key", "role"), list(MATRIX))
def test_case_endpoints_matrix(world, org_key, role):
    sees, identity = MATRIX[(org_key, role)]
    user = UserFactory(username=f"{org_key}-{role}", organization=world[org_key], role=role)
    client = bearer(user)
    case = world["case"]
    detail = client.get(f"/api/v1/cases/{case.pk}/")
    listed = client.get("/api/v1/cases/").json()["results"]
    notes = client.get(f"/api/v1/cases/{case.pk}/notes/")
    consents = client.get(f"/api/v1/cases/{case.pk}/consents/")
    if not sees:
        assert detail.status_code == notes.status_code == consents.status_code == 404
        assert detail.json() == {"error": {"code": "not_found", "message": "Not found."}}
        assert listed == []
        return
    assert detail.status_code == notes.status_code == consents.status_code == 200
    body = detail.json()
    assert [c["reference"] for c in listed] == [case.reference]
    for row in (body, listed[0]):
        present = IDENTITY & set(row["person"])
        assert present == (IDENTITY if identity else set())  # absent, not null
        assert ("current_place" in row) is identity
        assert row["can_view_identity"] is identity
    if identity:
        assert body["person"]["given_name"] == "ពិសិដ្ឋ"
        assert body["person"]["phone"] == "+85512777666"
    else:
        assert "ពិសិដ្ឋ" not in detail.content.decode() and "777666" not in detail.content.decode()


def test_every_read_of_a_case_is_audited(world):
    user = UserFactory(username="reader", organization=world["owner"])
    client = bearer(user)
    client.get("/api/v1/cases/")
    client.get(f"/api/v1/cases/{world['case'].pk}/")
    events = AccessEvent.objects.filter(actor=user, target_id=str(world["case"].pk))
    assert sorted(e.action for e in events) == sorted(
        [AuditAction.VIEWED_CASE, AuditAction.VIEWED_IDENTITY]
    )


def test_foreign_and_unknown_ids_are_404(world):
    client = bearer(UserFactory(username="stranger", organization=world["other"]))
    for url in (
        f"/api/v1/cases/{world['case'].pk}/",
        "/api/v1/cases/999999/",
        f"/api/v1/cases/{world['case'].pk}/notes/",
    ):
        assert client.get(url).status_code == 404
    response = client.post(f"/api/v1/cases/{world['case'].pk}/notes/", {"body": "x"}, format="json")
    assert response.status_code == 404
    assert not CaseNote.objects.exists()


def test_anonymous_gets_401_with_error_body(api, world):
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- notes, validation and idempotency ----------------------------------------------------


def test_add_note_and_see_it_with_identity_only(world):
    owner_worker = UserFactory(username="ow", organization=world["owner"])
    case = world["case"]
    response = bearer(owner_worker).post(
        f"/api/v1/cases/{case.pk}/notes/", {"body": "He is safe in port."}, format="json"
    )
    assert response.status_code == 201 and response.json()["body"] == "He is safe in port."
    viewer = bearer(UserFactory(username="vw", organization=world["viewer"]))
    rows = viewer.get(f"/api/v1/cases/{case.pk}/notes/").json()["results"]
    assert len(rows) == 1 and "body" not in rows[0]
    # The viewer may see the case but not change it: 403, not 404.
    response = viewer.post(f"/api/v1/cases/{case.pk}/notes/", {"body": "x"}, format="json")
    assert response.status_code == 403


def test_validation_errors_name_the_field(world):
    client = bearer(UserFactory(username="ow2", organization=world["owner"]))
    response = client.post(f"/api/v1/cases/{world['case'].pk}/notes/", {"body": ""}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "body" in error["fields"]


def test_idempotent_retry_creates_once(world):
    client = bearer(UserFactory(username="hotline", organization=world["owner"]))
    url = f"/api/v1/cases/{world['case'].pk}/notes/"
    first = client.post(
        url,
        {"body": "Caller says five men on the boat."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="call-123",
    )
    again = client.post(
        url,
        {"body": "Caller says five men on the boat."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="call-123",
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CaseNote.objects.count() == 1
    reused = client.post(
        url, {"body": "Something else"}, format="json", HTTP_IDEMPOTENCY_KEY="call-123"
    )
    assert reused.status_code == 422
    assert CaseNote.objects.count() == 1


def test_pagination_is_capped_at_200(world):
    owner = world["owner"]
    for _ in range(3):
        make_case(owner)
    client = bearer(UserFactory(username="pager", organization=owner))
    body = client.get("/api/v1/cases/?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    assert len(client.get("/api/v1/cases/?page_size=5000").json()["results"]) == 4


def test_organisations_are_readable(world):
    client = bearer(UserFactory(username="dir", organization=world["owner"]))
    names = {o["name"] for o in client.get("/api/v1/organisations/").json()["results"]}
    assert {"Owner NGO", "Other NGO", "Viewer"} <= names


def test_schema_and_docs_are_served_without_inline_script(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    assert "<script>" not in html  # every script has a src (Content Security Policy)
