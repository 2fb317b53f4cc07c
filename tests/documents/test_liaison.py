"""A liaison (update repatriation, no change permission) attaches files to a repatriation
step, and may replace or delete only those of their own organisation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import access
from documents import services
from documents.models import Attachment, AttachmentKind
from documents.validation import validate_bytes
from partners.models import OrganizationKind
from partners.roles import Role
from repatriation.models import Situation
from repatriation.services import plan_create
from tests.factories import OrganizationFactory, UserFactory

from . import images

pytestmark = pytest.mark.django_db


@pytest.fixture
def embassy(db):
    return OrganizationFactory(
        name="KH Embassy", code="khe", country="MY", kind=OrganizationKind.EMBASSY
    )


@pytest.fixture
def liaison(embassy, case):
    access.grant(case, embassy, [access.VIEW, access.VIEW_IDENTITY, access.UPDATE_REPATRIATION])
    return UserFactory(username="doc-liaison", organization=embassy, role=Role.LIAISON)


@pytest.fixture
def step(case, owner, embassy):
    coordinator = UserFactory(username="doc-co", organization=owner, role=Role.COORDINATOR)
    plan = plan_create(
        case=case,
        by=coordinator,
        current_country="MY",
        situation=Situation.SHELTER,
        home_country="KH",
        embassy=embassy,
        lead_organization=owner,
    )
    return plan.steps.get(kind="travel_document")


def _post(client, case, **fields):
    data = {
        "kind": "travel_document",
        "submission_token": fields.pop("token", "d" * 32),
        "files": [SimpleUploadedFile("td.jpg", images.jpeg())],
        **fields,
    }
    return client.post(reverse("documents:upload", args=[case.pk]), data)


def test_a_liaison_attaches_to_a_step_and_only_to_a_step(client, case, liaison, step):
    client.force_login(liaison)
    refused = _post(client, case)
    assert refused.status_code == 422 and Attachment.objects.count() == 0
    done = _post(client, case, repatriation_step=step.pk, token="e" * 32)
    assert done.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.repatriation_step == step and attachment.organization == liaison.organization
    # Their own step attachment: may delete it (the confirm page opens).
    assert client.get(reverse("documents:delete", args=[attachment.pk])).status_code == 200


def test_a_liaison_may_not_change_the_owners_files(client, case, caseworker, liaison, step):
    clean = validate_bytes(images.png(), "p.png")
    (theirs,) = services.attachment_upload(
        case=case, by=caseworker, files=[clean], kind=AttachmentKind.PASSPORT_OR_ID, step=step
    )
    client.force_login(liaison)
    assert client.get(reverse("documents:download", args=[theirs.pk])).status_code == 200
    assert client.post(reverse("documents:delete", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_a_step_of_another_case_is_refused(client, case, liaison, step, owner, caseworker):
    from tests.factories import make_case

    other_case = make_case(owner, by=caseworker)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.attachment_upload(
            case=other_case,
            by=caseworker,
            files=[validate_bytes(images.png(), "x.png")],
            kind=AttachmentKind.EVIDENCE,
            step=step,
        )
    assert Attachment.objects.count() == 0
