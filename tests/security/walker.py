"""Walk the whole URLconf and prove that every view of the apps that hold case data goes
through the access module: deny by default.

Every route of a scoped app (``SCOPED_APPS``, by the module of its view or its URL namespace)
must be listed in ``ROUTES``, keyed by URL name. A route not listed fails the suite, with a
message saying what to add. Each entry says what kind of route it is:

- ``obj(**ids)``: the route carries object ids. ``ids`` maps each URL kwarg to a key of
  ``world.kwargs_ids`` (``"case"``, ``"note"``, ``"referral"`` …), or to a literal string
  (``lit("accept")``). A logged-in member of another organisation must get **404** for GET
  (plain and htmx), POST and DELETE (405 counts only for a method the view does not
  accept); this proves the view looked the object up through the access module. Every
  ``obj`` route must also appear in the access matrix (``test_access_matrix.MATRIX``).
- ``listing()``: a page or endpoint without an object id (lists, dashboards, forms to
  create). Another organisation's member may open it (200, or 403/405/302), but the case of
  the world — its reference and its person's name — must not appear in it.
- ``public(reason)``: deliberately outside the access module (login, schema, …); the reason
  is required and printed in the docs.

To register a new view: add one line to ``ROUTES`` (and, for ``obj``, one row to ``MATRIX``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import SECRET_NAME, kwargs_ids

SCOPED_APPS = (
    "cases",
    "referrals",
    "repatriation",
    "identification",
    "reintegration",
    "notifications",
    "reports",
    "exports",
    "documents",
    "api",
    "audit",
    "partners",
    "config",
)

OBJ, LISTING, PUBLIC = "obj", "listing", "public"
METHODS = ("get", "htmx", "post", "delete")


@dataclass(frozen=True)
class lit:  # noqa: N801  (reads as a marker in the table)
    """A literal URL kwarg (e.g. an action slug), not an object id."""

    value: str


@dataclass(frozen=True)
class Route:
    kind: str
    ids: dict[str, str | lit] = field(default_factory=dict)
    reason: str = ""
    # Who requests it as "another organisation": a key of world.users. Pages only org admins
    # may open are asked by another organisation's org admin, so that 404 is the object's.
    foreign_user: str = "other_org"

    def kwargs(self, world: SimpleNamespace, extra: dict[str, str] | None = None) -> dict:
        ids = kwargs_ids(world)
        out = {
            name: (value.value if isinstance(value, lit) else ids[value])
            for name, value in self.ids.items()
        }
        out.update(extra or {})
        return out


def obj(foreign_user: str = "other_org", **ids: str | lit) -> Route:
    return Route(OBJ, ids, foreign_user=foreign_user)


def listing() -> Route:
    return Route(LISTING)


def public(reason: str) -> Route:
    assert reason, "a public route needs a reason"
    return Route(PUBLIC, reason=reason)


ROUTES: dict[str, Route] = {
    # config/
    "home": listing(),
    "healthz": public("liveness probe, no data"),
    "set_language": public("stores the user's language, no case data"),
    # config/pwa.py: the service worker, the manifest, the offline copies (no identity).
    "pwa:service_worker": public("service worker script, no data"),
    "pwa:manifest": public("web app manifest, no data"),
    "pwa:offline": listing(),
    "pwa:offline_intake": listing(),
    "pwa:token": public("the signed-in user's own CSRF token for the outbox; 403 without login"),
    # partners/ (accounts: the user's own account)
    "login": public("login form"),
    "login_code": public("second login step"),
    "logout": public("logout"),
    "account": listing(),
    "password_change": listing(),
    "password_set": public("signed one-time token, checked by Django"),
    "two_factor_setup": listing(),
    "two_factor_backup_codes": listing(),
    "login_passkey_options": public("second login step (a passkey), for the password-checked user"),
    "login_passkey": public("second login step (a passkey), for the password-checked user"),
    "passkey_register_options": listing(),
    "passkey_register": listing(),
    "passkey_remove": obj(pk="passkey"),
    # partners/ (org admins manage their organisation's users)
    "organisation:users": listing(),
    "organisation:user_invite": listing(),
    "organisation:user": obj("other_org_admin", pk="member"),
    "organisation:user_action": obj("other_org_admin", pk="member", action=lit("deactivate")),
    # notifications/ (Web Push: this device's subscription; the account page's device list)
    "notifications:push_subscribe": listing(),
    "notifications:push_unsubscribe": listing(),
    "notifications:push_device_remove": obj(pk="push_subscription"),
    # audit/
    "audit:events": listing(),
    # cases/
    "cases:list": listing(),
    "cases:intake": listing(),
    "cases:detail": obj(pk="case"),
    "cases:edit": obj(pk="case"),
    "cases:person_edit": obj(pk="case"),
    "cases:timeline": obj(pk="case"),
    "cases:history": obj(pk="case"),
    "cases:anonymise": obj(pk="case"),
    "cases:note_add": obj(pk="case"),
    "cases:note_edit": obj(pk="case", note_pk="note"),
    "cases:consent_add": obj(pk="case"),
    "cases:consent_withdraw": obj(pk="case", consent_pk="consent"),
    # exports/
    "exports:request": obj(case_pk="case"),
    "exports:detail": obj(pk="export"),
    "exports:status": obj(pk="export"),
    "exports:retry": obj(pk="export"),
    "exports:download": obj(pk="export"),
    # documents/ (attachments: the passport scan of the world; identity kinds need identity)
    "documents:upload": obj(case_pk="case"),
    "documents:download": obj(pk="attachment"),
    "documents:preview": obj(pk="attachment"),
    "documents:thumbnail": obj(pk="attachment"),
    "documents:replace": obj(pk="attachment"),
    "documents:delete": obj(pk="attachment"),
    # reports/
    "reports:dashboard": listing(),
    "reports:export": listing(),
    # referrals/
    "referrals:incoming": listing(),
    "referrals:outgoing": listing(),
    "referrals:detail": obj(pk="referral"),
    "referrals:accept": obj(pk="referral"),
    "referrals:decline": obj(pk="referral"),
    "referrals:complete": obj(pk="referral"),
    "referrals:cancel": obj(pk="referral"),
    "referrals:create": obj(case_pk="case"),
    "referrals:consent_needs": obj(case_pk="case"),
    "referrals:consent_record": obj(case_pk="case"),
    # notifications/
    "notifications:list": listing(),
    "notifications:bell": listing(),
    "notifications:mark_all_read": listing(),
    "notifications:mark_read": obj(pk="notification"),
    "notifications:open": obj(pk="notification"),
    # repatriation/
    "repatriation:mine": listing(),
    "repatriation:plan_edit": obj(case_pk="case"),
    "repatriation:plan_status": obj(case_pk="case"),
    "repatriation:step": obj(pk="step"),
    "repatriation:template_list": listing(),
    "repatriation:template_edit": obj("other_org_admin", pk="template"),
    # identification/
    "identification:interview_new": obj(case_pk="case"),
    "identification:interview": obj(pk="interview"),
    "identification:decide": obj(pk="interview"),
    "identification:suggestions": obj(pk="interview"),
    "identification:event_new": obj(case_pk="case"),
    "identification:event": obj(pk="event"),
    "identification:places": listing(),
    # reintegration/
    "reintegration:needs": obj(case_pk="case"),
    "reintegration:service_create": obj(case_pk="case"),
    "reintegration:start": obj(case_pk="case"),
    "reintegration:transfer_request": obj(case_pk="case"),
    "reintegration:service": obj(pk="service"),
    "reintegration:repayment_add": obj(pk="service"),
    "reintegration:follow_up": obj(pk="follow_up"),
    "reintegration:transfers": listing(),
    "reintegration:transfer": obj(pk="transfer"),
    "reintegration:transfer_action": obj(pk="transfer", action=lit("accept")),
    "reintegration:directory": listing(),
    "reintegration:my_offers": listing(),
    "reintegration:offer_create": listing(),
    "reintegration:offer_edit": obj("other_org_admin", pk="offer"),
    "reintegration:offer_beds": obj("other_org_admin", pk="offer"),
    # api/
    "api:token": public("exchanges a password for a token; authenticates itself"),
    "api:schema": public("OpenAPI schema, no data"),
    "api:docs": public("Swagger UI, no data"),
    "api:not-found": public("JSON 404 for every unknown API path"),
    "api:organisation-list": listing(),
    "api:organisation-detail": public("the partner directory: every member may read it"),
    "api:case-list": listing(),
    "api:case-detail": obj(pk="case"),
    "api:case-note-list": obj(case_pk="case"),
    "api:case-consents": obj(case_pk="case"),
    "api:api-token-list": listing(),
    "api:api-token-detail": obj(pk="token"),
    "api:case-consent-withdraw": obj(case_pk="case", pk="consent"),
    "api:call-list": listing(),
    "api:call-detail": obj(pk="call"),
    "api:referral-list": listing(),
    "api:referral-detail": obj(pk="referral"),
    "api:referral-accept": obj(pk="referral"),
    "api:referral-decline": obj(pk="referral"),
    "api:referral-complete": obj(pk="referral"),
    "api:referral-cancel": obj(pk="referral"),
    "api:repatriation-plan-list": listing(),
    "api:repatriation-plan-detail": obj(pk="plan"),
    "api:repatriation-step-detail": obj(pk="step"),
    "api:case-attachment-list": obj(case_pk="case"),
    "api:attachment-detail": obj(pk="attachment"),
    "api:attachment-download": obj(pk="attachment"),
    "api:notification-list": listing(),
    "api:notification-read": obj(pk="notification"),
    "api:notification-read-all": listing(),
    "api:case-interview-list": obj(case_pk="case"),
    "api:case-interview-detail": obj(case_pk="case", pk="interview"),
    "api:case-event-list": obj(case_pk="case"),
    "api:case-event-detail": obj(case_pk="case", pk="event"),
    "api:case-service-list": obj(case_pk="case"),
    "api:case-follow-up-list": obj(case_pk="case"),
    "api:follow-up-detail": obj(pk="follow_up"),
    "api:service-offer-list": listing(),
}


@dataclass(frozen=True)
class Found:
    name: str
    pattern: str
    module: str
    kwarg_names: frozenset[str]


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "", kw=frozenset()) -> Iterator:
    for p in resolver.url_patterns:
        names = kw | frozenset(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            sub = ns
            if p.namespace:
                sub = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from _walk(p, prefix + str(p.pattern), sub, names)
        elif isinstance(p, URLPattern):
            callback = p.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            yield Found(name, prefix + str(p.pattern), module, names)


def scoped_routes(urlconf: str | None = None, scope=SCOPED_APPS) -> list[Found]:
    """Every route of the URLconf whose view or namespace belongs to a scoped app."""
    out = []
    for found in _walk(get_resolver(urlconf)):
        top_module = found.module.split(".")[0]
        top_ns = found.name.split(":")[0] if ":" in found.name else ""
        if top_module in scope or top_ns in scope:
            out.append(found)
    return out


def all_route_names(urlconf: str | None = None) -> set[str]:
    return {found.name for found in _walk(get_resolver(urlconf))}


def unlisted(routes: list[Found], table: dict[str, Route] = ROUTES) -> list[str]:
    problems = []
    for found in routes:
        if found.name not in table:
            problems.append(
                f"{found.pattern!r} (view in {found.module}, URL name {found.name or '—'}) is "
                f"not in tests/security/walker.py ROUTES: add "
                f"'{found.name}': obj(<kwarg>=<world id key>) if it takes an object id, "
                f"listing() if it does not, or public('why') — and give it a name if it has "
                f"none; for obj(), add its row to MATRIX in test_access_matrix.py"
            )
    return problems


def _request(client: Client, method: str, url: str, api: bool):
    if method == "htmx":  # the fragment an htmx request gets must be refused the same way
        return client.get(url, HTTP_HX_REQUEST="true")
    if api and method != "get":
        return getattr(client, method)(url, data=json.dumps({}), content_type="application/json")
    return getattr(client, method)(url)


def check_foreign(
    routes: list[Found],
    world: SimpleNamespace,
    client: Client,
    table: dict[str, Route] = ROUTES,
    *,
    urlconf: str | None = None,
) -> list[str]:
    """Request every listed route as a member of another organisation and return what is
    wrong: an ``obj`` route that does not answer 404, a listing that shows the world's case."""
    problems = []
    secrets = (SECRET_NAME, world.case.reference)
    for found in routes:
        route = table.get(found.name)
        if route is None or route.kind == PUBLIC:
            continue
        extra = {"format": "json"} if "format" in found.kwarg_names else {}
        kwargs = route.kwargs(world, extra)
        if set(kwargs) != set(found.kwarg_names):
            problems.append(
                f"{found.name}: ROUTES gives kwargs {sorted(kwargs)}, the URL takes "
                f"{sorted(found.kwarg_names)}"
            )
            continue
        url = reverse(found.name, kwargs=kwargs or None, urlconf=urlconf)
        api = found.name.startswith("api:")
        client.force_login(world.users[route.foreign_user])
        if route.kind == OBJ:
            statuses = {m: _request(client, m, url, api).status_code for m in METHODS}
            if not set(statuses.values()) <= {404, 405} or 404 not in statuses.values():
                problems.append(
                    f"{found.name} ({url}) answered {statuses} to a member of another "
                    f"organisation: it must look the object up through the access module "
                    f"(cases.access.case_for / referrals.access.referral_for …) and answer 404"
                )
        else:
            response = client.get(url)
            body = response.content.decode(errors="replace")
            leaked = [s for s in secrets if s in body]
            if response.status_code >= 500 or leaked:
                problems.append(
                    f"{found.name} ({url}) answered {response.status_code} to a member of "
                    f"another organisation, showing {leaked}: lists must filter in the "
                    f"database (cases.access.cases_visible_to)"
                )
    return problems


def route_table_kinds(kind: str, table: dict[str, Route] = ROUTES) -> set[str]:
    return {name for name, route in table.items() if route.kind == kind}
