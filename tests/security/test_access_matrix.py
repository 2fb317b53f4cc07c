"""The access matrix: every route with an object id × every kind of user, with the status
each must get. 404: may not see it; 403: may see it but not do this; anything else: allowed
(200 page, 302 done, 400/422 form refused on its content — the check has passed).

Users (columns, tests/security/world.py): the owner organisation's caseworker, coordinator,
org admin and liaison; another organisation's caseworker and org admin; the caseworkers of
four organisations the case was referred to, the referral pending, accepted, declined,
cancelled; and a liaison of the embassy, holding what an accepted repatriation referral
grants (view, view identity, update repatriation).

A row is ``route method ids statuses…``; ``ids`` overrides the kwargs of the walker's table
(tests/security/walker.py ROUTES) as ``kwarg=world key`` (``-``: as in the table). Each request
runs in a savepoint that is rolled back, so one world serves a whole row.

To add a route: add it to walker.ROUTES and one row (GET and/or the methods it accepts) here.
"""

import json

import pytest
from django.db import transaction
from django.urls import reverse

from cases import access
from cases.forms import CaseForm
from referrals.models import Referral
from tests.factories import make_case
from tests.security import walker
from tests.security.world import USERS, build_world, kwargs_ids

pytestmark = pytest.mark.django_db

COLUMNS = list(USERS)

# fmt: off
MATRIX_TEXT = """
# route                   method ids                   cw  co  adm li  oth oadm pen acc dec can emb
organisation:user          get   -                     403 403 200 403 403 404  403 403 403 403  403
organisation:user_action   post  -                     403 403 302 403 403 404  403 403 403 403  403
notifications:push_device_remove post -                302 404 404 404 404 404  404 404 404 404  404
passkey_remove             post  -                     404 404 404 404 404 404  404 404 404 404  404
cases:detail               get   -                     200 200 404 200 404 404  404 200 404 404  200
cases:edit                 get   -                     200 200 404 403 404 404  404 403 404 404  403
cases:edit                 post  -                     422 422 404 403 404 404  404 403 404 404  403
cases:person_edit          get   -                     200 200 404 403 404 404  404 403 404 404  403
cases:person_edit          post  -                     422 422 404 403 404 404  404 403 404 404  403
cases:timeline             get   -                     200 200 404 200 404 404  404 200 404 404  200
cases:history              get   -                     200 200 404 200 404 404  404 200 404 404  200
cases:anonymise            get   -                     403 200 404 403 404 404  404 403 404 404  403
cases:anonymise            post  -                     403 422 404 403 404 404  404 403 404 404  403
cases:note_add             post  -                     302 302 404 403 404 404  404 403 404 404  403
cases:note_edit            get   -                     200 403 404 403 404 404  404 403 404 404  403
cases:note_edit            post  -                     422 403 404 403 404 404  404 403 404 404  403
cases:consent_add          post  -                     302 302 404 403 404 404  404 403 404 404  403
cases:consent_withdraw     post  -                     302 302 404 403 404 404  404 403 404 404  403
exports:request            get   -                     403 200 404 403 404 404  404 403 404 404  403
exports:request            post  -                     403 400 404 403 404 404  404 403 404 404  403
exports:detail             get   -                     404 200 404 404 404 404  404 404 404 404  404
exports:status             get   -                     404 200 404 404 404 404  404 404 404 404  404
exports:retry              post  -                     404 302 404 404 404 404  404 404 404 404  404
exports:download           get   -                     404 404 404 404 404 404  404 404 404 404  404
api:case-detail            get   -                     200 200 404 200 404 404  404 200 404 404  200
documents:upload           get   -                     200 200 404 200 404 404  404 403 404 404  200
documents:upload           post  -                     422 422 404 422 404 404  404 403 404 404  422
documents:download         get   -                     200 200 404 200 404 404  404 200 404 404  200
documents:download         get   pk=evidence           200 200 404 200 404 404  404 200 404 404  200
documents:preview          get   -                     200 200 404 200 404 404  404 200 404 404  200
documents:thumbnail        get   -                     200 200 404 200 404 404  404 200 404 404  200
documents:replace          get   -                     200 200 404 403 404 404  404 403 404 404  403
documents:replace          post  -                     422 422 404 403 404 404  404 403 404 404  403
documents:delete           get   -                     200 200 404 403 404 404  404 403 404 404  403
documents:delete           post  -                     302 302 404 403 404 404  404 403 404 404  403
api:case-attachment-list   get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-attachment-list   post  -                     400 400 404 400 404 404  404 403 404 404  400
api:attachment-detail      get   -                     200 200 404 200 404 404  404 200 404 404  200
api:attachment-detail      delete -                    204 204 404 403 404 404  404 403 404 404  403
api:attachment-download    get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-consents          get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-note-list         get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-note-list         post  -                     400 400 404 403 404 404  404 403 404 404  403
api:api-token-detail       delete -                    204 404 204 404 404 404  404 404 404 404  404
api:case-detail            patch -                     400 400 404 403 404 404  404 403 404 404  403
api:case-consents          post  -                     400 400 404 403 404 404  404 403 404 404  403
api:case-consent-withdraw  post  -                     200 200 404 403 404 404  404 403 404 404  403
api:call-detail            get   -                     200 200 404 200 404 404  404 200 404 404  200
api:referral-detail        get   pk=referral_pending   200 200 404 200 404 404  200 404 404 404  404
api:referral-detail        get   pk=referral_accepted  200 200 404 200 404 404  404 200 404 404  404
api:referral-detail        get   pk=referral_declined  200 200 404 200 404 404  404 404 200 404  404
api:referral-detail        get   pk=referral_cancelled 200 200 404 200 404 404  404 404 404 200  404
api:referral-accept        post  pk=referral_pending   403 403 404 403 404 404  200 404 404 404  404
api:referral-decline       post  pk=referral_pending   403 403 404 403 404 404  400 404 404 404  404
api:referral-cancel        post  pk=referral_pending   200 200 404 403 404 404  403 404 404 404  404
api:referral-complete      post  pk=referral_accepted  200 200 404 403 404 404  404 200 404 404  404
api:referral-cancel        post  pk=referral_accepted  200 200 404 403 404 404  404 403 404 404  404
api:referral-accept        post  pk=referral_declined  403 403 404 403 404 404  404 404 400 404  404
api:referral-accept        post  pk=referral_cancelled 403 403 404 403 404 404  404 404 404 400  404
api:repatriation-plan-detail get -                     200 200 404 200 404 404  404 200 404 404  200
api:repatriation-step-detail get -                     200 200 404 200 404 404  404 200 404 404  200
api:repatriation-step-detail patch -                   403 400 404 400 404 404  404 403 404 404  400
api:notification-read      post  -                     200 404 404 404 404 404  404 404 404 404  404
referrals:detail           get   pk=referral_pending   200 200 404 200 404 404  200 404 404 404  404
referrals:detail           get   pk=referral_accepted  200 200 404 200 404 404  404 200 404 404  404
referrals:detail           get   pk=referral_declined  200 200 404 200 404 404  404 404 200 404  404
referrals:detail           get   pk=referral_cancelled 200 200 404 200 404 404  404 404 404 200  404
referrals:accept           post  pk=referral_pending   403 403 404 403 404 404  302 404 404 404  404
referrals:decline          post  pk=referral_pending   403 403 404 403 404 404  400 404 404 404  404
referrals:cancel           post  pk=referral_pending   302 302 404 403 404 404  403 404 404 404  404
referrals:complete         post  pk=referral_accepted  302 302 404 403 404 404  404 302 404 404  404
referrals:cancel           post  pk=referral_accepted  302 302 404 403 404 404  404 403 404 404  404
referrals:accept           post  pk=referral_declined  403 403 404 403 404 404  404 404 302 404  404
referrals:accept           post  pk=referral_cancelled 403 403 404 403 404 404  404 404 404 302  404
referrals:create           get   -                     200 200 404 403 404 404  404 403 404 404  403
referrals:create           post  -                     400 400 404 403 404 404  404 403 404 404  403
referrals:consent_needs    get   -                     200 200 404 403 404 404  404 403 404 404  403
referrals:consent_record   post  -                     400 400 404 403 404 404  404 403 404 404  403
notifications:mark_read    post  -                     302 404 404 404 404 404  404 404 404 404  404
notifications:open         get   -                     302 404 404 404 404 404  404 404 404 404  404
repatriation:plan_edit     get   -                     403 200 404 200 404 404  404 403 404 404  200
repatriation:plan_edit     post  -                     403 200 404 200 404 404  404 403 404 404  200
repatriation:plan_status   post  -                     403 302 404 302 404 404  404 403 404 404  302
repatriation:step          get   -                     200 200 404 200 404 404  404 200 404 404  200
repatriation:step          post  -                     403 200 404 200 404 404  404 403 404 404  200
repatriation:template_edit get   -                     403 403 200 403 403 404  403 403 403 403  403
repatriation:template_edit post  -                     403 403 200 403 403 404  403 403 403 403  403
identification:interview_new get -                  200 200 404 403 404 404  404 403 404 404  403
identification:interview_new post -                 422 422 404 403 404 404  404 403 404 404  403
identification:interview   get   -                     200 200 404 200 404 404  404 200 404 404  200
identification:interview   post  -                     422 422 404 403 404 404  404 403 404 404  403
identification:decide      post  -                     403 422 404 403 404 404  404 403 404 404  403
identification:suggestions post  -                     302 302 404 403 404 404  404 403 404 404  403
identification:event_new   get   -                     200 200 404 403 404 404  404 403 404 404  403
identification:event_new   post  -                     422 422 404 403 404 404  404 403 404 404  403
identification:event       get   -                     200 200 404 403 404 404  404 403 404 404  403
identification:event       post  -                     422 422 404 403 404 404  404 403 404 404  403
api:case-interview-list    get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-interview-list    post  -                     400 400 404 403 404 404  404 403 404 404  403
api:case-interview-detail  get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-interview-detail  patch -                     200 200 404 403 404 404  404 403 404 404  403
api:case-event-list        get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-event-list        post  -                     400 400 404 403 404 404  404 403 404 404  403
api:case-event-detail      get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-event-detail      patch -                     200 200 404 403 404 404  404 403 404 404  403
reintegration:needs        get   -                     200 200 404 403 404 404  404 200 404 404  403
reintegration:needs        post  -                     302 302 404 403 404 404  404 302 404 404  403
reintegration:service_create get -                     200 200 404 403 404 404  404 200 404 404  403
reintegration:service_create post -                    400 400 404 403 404 404  404 400 404 404  403
reintegration:start        post  -                     302 302 404 403 404 404  404 302 404 404  403
reintegration:transfer_request get -                   403 200 404 403 404 404  404 403 404 404  403
reintegration:transfer_request post -                  403 400 404 403 404 404  404 403 404 404  403
reintegration:service      get   -                     200 200 404 200 404 404  404 200 404 404  200
reintegration:service      post  -                     400 400 404 403 404 404  404 403 404 404  403
reintegration:repayment_add post -                     302 302 404 403 404 404  404 403 404 404  403
reintegration:follow_up    get   -                     200 200 404 403 404 404  404 403 404 404  403
reintegration:follow_up    post  -                     400 400 404 403 404 404  404 403 404 404  403
reintegration:transfer     get   -                     404 200 404 404 404 404  404 404 404 404  404
reintegration:transfer_action post -                   404 403 404 404 404 404  404 404 404 404  404
reintegration:transfer_action post action=cancel       404 302 404 404 404 404  404 404 404 404  404
reintegration:offer_edit   get   -                     403 200 200 403 404 404  404 404 404 404  404
reintegration:offer_edit   post  -                     403 400 400 403 404 404  404 404 404 404  404
reintegration:offer_beds   post  -                     403 302 302 403 404 404  404 404 404 404  404
api:case-service-list      get   -                     200 200 404 200 404 404  404 200 404 404  200
api:case-service-list      post  -                     400 400 404 403 404 404  404 400 404 404  403
api:case-follow-up-list    get   -                     200 200 404 200 404 404  404 200 404 404  200
api:follow-up-detail       get   -                     200 200 404 200 404 404  404 200 404 404  200
api:follow-up-detail       patch -                     400 400 404 403 404 404  404 403 404 404  403
"""
# fmt: on


def _parse(text: str) -> list[tuple[str, str, dict[str, str], list[int]]]:
    rows = []
    for line in text.strip().splitlines():
        if line.startswith("#"):
            continue
        name, method, ids, *statuses = line.split()
        overrides = dict(part.split("=") for part in ids.split(",")) if ids != "-" else {}
        assert len(statuses) == len(COLUMNS), f"{name} {method}: one status per user"
        rows.append((name, method, overrides, [int(s) for s in statuses]))
    return rows


MATRIX = _parse(MATRIX_TEXT)


def test_every_route_with_an_object_id_is_in_the_matrix():
    """Coverage guard: a new id-bearing route in the walker's table needs its row here."""
    in_matrix = {name for name, *_ in MATRIX}
    obj_routes = walker.route_table_kinds(walker.OBJ)
    missing = sorted(obj_routes - in_matrix)
    assert not missing, f"add rows to MATRIX_TEXT in {__file__} for: {missing}"
    assert not in_matrix - obj_routes, "MATRIX rows must be obj() routes of walker.ROUTES"
    # Every URL name with an object id in the URLconf is an obj() route (or documented public).
    walked = {r.name for r in walker.scoped_routes() if r.kwarg_names - {"format"}}
    public = walker.route_table_kinds(walker.PUBLIC)
    assert walked - public <= obj_routes, sorted(walked - public - obj_routes)


def _request(client, method, url, api):
    if api and method != "get":
        return getattr(client, method)(url, data=json.dumps({}), content_type="application/json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(
    ("name", "method", "overrides", "expected"),
    MATRIX,
    ids=[f"{n}-{m}-{'-'.join(o.values()) or 'table'}" for n, m, o, _ in MATRIX],
)
def test_matrix(client, name, method, overrides, expected):
    world = build_world()
    ids = kwargs_ids(world)
    kwargs = walker.ROUTES[name].kwargs(world)
    # A value that is no world key is a literal (an action slug: ``action=cancel``).
    kwargs.update({kwarg: ids.get(key, key) for kwarg, key in overrides.items()})
    url = reverse(name, kwargs=kwargs)
    got = []
    for user_key in COLUMNS:
        client.force_login(world.users[user_key])
        with transaction.atomic():
            response = _request(client, method, url, name.startswith("api:"))
            transaction.set_rollback(True)
        got.append(response.status_code)
    wrong = {
        user: (want, status)
        for user, want, status in zip(COLUMNS, expected, got, strict=True)
        if want != status
    }
    assert not wrong, f"{method.upper()} {url}: user → (expected, got) {wrong}"


def test_download_of_a_ready_export(client, settings, tmp_path):
    """exports:download on an export rendered for real (the row above is a pending one):
    only its requester downloads it; nobody else even learns it exists."""
    from exports.services import export_generate

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    world = build_world()
    assert export_generate(export_id=world.export.pk)
    url = reverse("exports:download", kwargs={"pk": world.export.pk})
    got = {}
    for user_key in COLUMNS:
        client.force_login(world.users[user_key])
        response = client.get(url)
        got[user_key] = response.status_code
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body.startswith(b"%PDF")
    expected = dict.fromkeys(COLUMNS, 404) | {"owner_coordinator": 200}
    assert got == expected


# Object ids of another organisation never pass through a form.


@pytest.fixture
def world(db):
    return build_world()


def test_assignment_to_a_user_of_another_organisation_is_not_a_choice(world):
    coordinator = world.users["owner_coordinator"]
    form = CaseForm(
        instance=world.case, user=coordinator, perms=access.perms_for(coordinator, world.case)
    )
    field = form.fields["assigned_to"]
    members = set(field.queryset.values_list("organization_id", flat=True))
    assert members == {world.orgs["owner"].pk}
    from django.core.exceptions import ValidationError

    for foreign in ("other_org", "referred_accepted"):
        with pytest.raises(ValidationError):
            field.clean(world.users[foreign].pk)
    assert field.clean(world.users["owner_caseworker"].pk) == world.users["owner_caseworker"]


def test_referral_to_the_own_organisation_is_refused(client, world):
    client.force_login(world.users["owner_caseworker"])
    url = reverse("referrals:create", kwargs={"case_pk": world.case.pk})
    page = client.get(url).content.decode()
    assert f'value="{world.orgs["owner"].pk}"' not in page
    before = Referral.objects.count()
    response = client.post(
        url,
        {
            "to_organization": world.orgs["owner"].pk,
            "service": "shelter",
            "urgency": "urgent",
        },
    )
    assert response.status_code == 400
    assert Referral.objects.count() == before


def test_ids_of_another_case_under_an_own_case_answer_404(client, world):
    """A note or consent of a case the user may not see, addressed through a case they may."""
    other = make_case(world.orgs["other"], by=world.users["other_org"])
    from cases.services import case_note_add, consent_record

    note = case_note_add(case=other, body="theirs", by=world.users["other_org"])
    consent = consent_record(
        case=other, by=world.users["other_org"], purpose="statistics", granted=True, method="verbal"
    )
    client.force_login(world.users["owner_caseworker"])
    mine = world.case.pk
    note_url = reverse("cases:note_edit", kwargs={"pk": mine, "note_pk": note.pk})
    assert client.get(note_url).status_code == 404
    assert client.post(note_url, {"body": "overwritten"}).status_code == 404
    note.refresh_from_db()
    assert note.body == "theirs"
    withdraw = reverse("cases:consent_withdraw", kwargs={"pk": mine, "consent_pk": consent.pk})
    assert client.post(withdraw).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    # A note posted to the other case: 404, nothing written.
    response = client.post(reverse("cases:note_add", kwargs={"pk": other.pk}), {"body": "x"})
    assert response.status_code == 404
    assert other.notes.count() == 1


# A transferred case: the old owner, the new owner and a third party (reintegration).

TRANSFERRED = [
    # route, method, then old owner's caseworker, new owner's caseworker, the accepted shelter's
    ("cases:detail", "get", 404, 200, 200),
    ("cases:edit", "get", 404, 200, 403),
    ("reintegration:service_create", "get", 404, 200, 200),
    ("exports:request", "get", 404, 403, 403),
    ("api:case-detail", "get", 404, 200, 200),
]
KEPT_READ = [
    ("cases:detail", "get", 200, 200, 200),
    ("cases:edit", "get", 403, 200, 403),
    ("reintegration:service_create", "get", 403, 200, 200),
    ("api:case-detail", "get", 200, 200, 200),
]


@pytest.mark.parametrize("keep_read", [False, True], ids=["alone", "old-owner-keeps-read"])
def test_a_transferred_case(client, keep_read):
    from partners.roles import Role
    from reintegration import transfers
    from reintegration.models import Transfer
    from tests.factories import UserFactory

    world = build_world()
    Transfer.objects.filter(case=world.case).delete()  # the world's pending one
    new_coordinator = UserFactory(
        username="s-other-coord", organization=world.orgs["other"], role=Role.COORDINATOR
    )
    t = transfers.transfer_request(
        case=world.case,
        by=world.users["owner_coordinator"],
        to_organization=world.orgs["other"],
        reason="Home now",
        keep_read=keep_read,
    )
    transfers.transfer_accept(transfer=t, by=new_coordinator)
    users = [world.users[k] for k in ("owner_caseworker", "other_org", "referred_accepted")]
    wrong = []
    for name, method, *expected in KEPT_READ if keep_read else TRANSFERRED:
        kwarg = "case_pk" if name in ("reintegration:service_create", "exports:request") else "pk"
        url = reverse(name, kwargs={kwarg: world.case.pk})
        for user, want in zip(users, expected, strict=True):
            client.force_login(user)
            got = getattr(client, method)(url).status_code
            if got != want:
                wrong.append((name, user.username, want, got))
    assert not wrong, wrong
    assert access.org_perms(world.orgs["other"], world.case) == frozenset(access.ALL_CASE_PERMS)
