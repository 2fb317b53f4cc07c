"""The URLconf walker: every view of the apps holding case data is in the route table and,
requested by a member of another organisation, answers 404 for an object id or hides the
case in a list. A new view not in the table fails here (deny by default)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.security import walker
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_every_scoped_route_is_in_the_table():
    routes = walker.scoped_routes()
    problems = walker.unlisted(routes)
    assert not problems, "\n".join(problems)
    # The walk really covers every app and the API (not an empty list that passes).
    names = {r.name for r in routes}
    for expected in ("cases:detail", "api:case-detail", "referrals:accept", "exports:download"):
        assert expected in names
    assert {r.name.split(":")[0] for r in routes if ":" in r.name} >= {
        "cases",
        "referrals",
        "repatriation",
        "notifications",
        "reports",
        "exports",
        "api",
    }


def test_table_has_no_stale_entries():
    names = walker.all_route_names()
    stale = sorted(set(walker.ROUTES) - names)
    assert not stale, f"ROUTES lists URL names that no longer exist: {stale}"


def test_every_route_denies_another_organisation(client, world):
    client.force_login(world.users["other_org"])
    problems = walker.check_foreign(walker.scoped_routes(), world, client)
    assert not problems, "\n".join(problems)


LEAK_URLCONF = "tests.security.leaky_urls"


@override_settings(ROOT_URLCONF=LEAK_URLCONF)
def test_walker_catches_an_unlisted_view():
    routes = walker.scoped_routes(LEAK_URLCONF, scope=(*walker.SCOPED_APPS, "tests"))
    problems = walker.unlisted(routes)
    assert len(problems) == 1
    assert "leaky:case" in problems[0] and "add 'leaky:case': obj(" in problems[0]


@override_settings(ROOT_URLCONF=LEAK_URLCONF)
def test_walker_catches_a_view_that_skips_the_access_module(client, world):
    """Listed, but it loads the case with Case.objects.get: the other organisation gets 200."""
    routes = walker.scoped_routes(LEAK_URLCONF, scope=(*walker.SCOPED_APPS, "tests"))
    table = {**walker.ROUTES, "leaky:case": walker.obj(pk="case")}
    client.force_login(world.users["other_org"])
    leaky = [r for r in routes if r.name == "leaky:case"]
    problems = walker.check_foreign(leaky, world, client, table, urlconf=LEAK_URLCONF)
    assert len(problems) == 1
    assert "leaky:case" in problems[0] and "200" in problems[0]
    # The same check passes for a real view.
    real = [r for r in routes if r.name == "cases:detail"]
    assert walker.check_foreign(real, world, client, table, urlconf=LEAK_URLCONF) == []


def test_every_route_refuses_an_anonymous_visitor(client, world):
    """Not logged in: pages redirect to the login page, the API answers 401/403."""
    login = reverse("login")
    problems = []
    for found in walker.scoped_routes():
        route = walker.ROUTES.get(found.name)
        if route is None or route.kind == walker.PUBLIC:
            continue
        extra = {"format": "json"} if "format" in found.kwarg_names else {}
        url = reverse(found.name, kwargs=route.kwargs(world, extra) or None)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if found.name.startswith("api:"):
                ok = response.status_code in (401, 403)
            else:
                ok = response.status_code == 405 or (
                    response.status_code == 302 and response["Location"].startswith(login)
                )
            if not ok:
                problems.append(f"{method.upper()} {found.name} ({url}): {response.status_code}")
    assert not problems, "\n".join(problems)
