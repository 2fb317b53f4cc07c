"""schemathesis against the OpenAPI schema, in-process: no server error and every response
matching the schema. Bounded: about 1,300 generated requests in total over every operation
(EXAMPLES_PER_OPERATION each, derandomized), a few minutes on a small machine."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken
from cases import access
from cases.models import Consent
from cases.vocab import ConsentMethod
from config.wsgi import application
from notifications.models import Notification
from partners.models import OrganizationKind
from partners.roles import Role
from referrals.services import referral_create
from repatriation.models import Situation
from repatriation.services import plan_create
from tests.factories import OrganizationFactory, UserFactory, make_case

EXAMPLES_PER_OPERATION = 42
CALLS = {"n": 0}


def _load_schema():
    """The schema the API serves at /api/schema/, generated in-process (no database)."""
    generator = SchemaGenerator()
    document = generator.get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application
    return loaded


@pytest.fixture(autouse=True)
def _keep_test_connection_open():
    # Calling the WSGI app directly fires request_finished, which would close the test's
    # database connection (Django's test client detaches this handler the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = _load_schema()


@pytest.fixture
def auth_headers(db):
    owner = OrganizationFactory(name="Owner", code="own")
    partner = OrganizationFactory(name="Partner", code="ptn")
    user = UserFactory(username="fuzz", organization=owner, role=Role.COORDINATOR)
    for _ in range(3):
        mine = make_case(owner, by=user)
    shared = make_case(partner)
    access.grant(shared, owner, [access.VIEW])
    # Something behind the workflow endpoints: a referral to the user's organisation, a
    # repatriation plan with steps, consents and notifications.
    partner_user = UserFactory(username="fuzz-partner", organization=partner)
    Consent.objects.create(
        case=shared, purpose="share_partners", granted=True, method=ConsentMethod.VERBAL
    )
    referral_create(
        by=partner_user, case=shared, to_organization=owner, service="shelter", urgency="urgent"
    )
    plan_create(
        case=mine,
        by=user,
        current_country="TH",
        place="Shelter",
        situation=Situation.SHELTER,
        home_country="KH",
        embassy=OrganizationFactory(
            name="Embassy", code="emb", country="TH", kind=OrganizationKind.EMBASSY
        ),
        lead_organization=owner,
    )
    Notification.objects.create(recipient=user, kind="test", message="A case changed.")
    _token, raw = ApiToken.issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
# Derandomized: the same examples on every run, so a CI failure reproduces locally.
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, auth_headers):
    CALLS["n"] += 1
    case.call_and_validate(
        headers=auth_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_at_least_1000_requests_were_generated():
    """Runs after the parametrized test above (same module, file order)."""
    if CALLS["n"] == 0:
        pytest.skip("run together with test_api_conforms_to_its_schema")
    assert CALLS["n"] >= 1000, CALLS["n"]
