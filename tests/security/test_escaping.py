"""User-supplied text is escaped everywhere: a person named ``<script>alert(1)</script>``,
and the same text typed into notes, consent notes, referral messages, places, route names
and a user's name, shows as text on every page that shows them, in htmx fragments, in the
PDF's HTML and in emails. (CSV/XLSX formula injection: tests/reports/test_export.py
``test_formula_injection_is_neutralised`` and below.)"""

import pytest
from django.core import mail
from django.urls import reverse

from exports import pdf
from notifications.models import Notification
from notifications.services import notification_email_send
from tests.security.world import PAYLOAD, build_world

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(db):
    return build_world(person_name=PAYLOAD, text=PAYLOAD)


def assert_escaped(body: str, *, shown: bool = True) -> None:
    assert "<script>alert" not in body, "user text reached the page unescaped"
    if shown:
        assert ESCAPED in body, "the page was expected to show the text (escaped)"


# (route, kwargs keys, user, htmx, shown): ``shown`` says the page shows the text at all, so
# that the test cannot pass on a page that simply dropped it.
PAGES = [
    ("cases:list", {}, "owner_caseworker", False, True),
    ("cases:list", {}, "owner_caseworker", True, True),
    ("cases:detail", {"pk": "case"}, "owner_caseworker", False, True),
    ("cases:detail", {"pk": "case"}, "referred_accepted", False, True),
    ("cases:timeline", {"pk": "case"}, "owner_caseworker", False, True),
    ("cases:timeline", {"pk": "case"}, "owner_caseworker", True, True),
    ("cases:history", {"pk": "case"}, "owner_coordinator", False, True),
    ("cases:edit", {"pk": "case"}, "owner_coordinator", False, True),
    ("cases:person_edit", {"pk": "case"}, "owner_caseworker", False, True),
    ("cases:note_edit", {"pk": "case", "note_pk": "note"}, "owner_caseworker", False, True),
    ("cases:note_edit", {"pk": "case", "note_pk": "note"}, "owner_caseworker", True, True),
    ("referrals:incoming", {}, "referred_pending", False, False),
    ("referrals:outgoing", {}, "owner_caseworker", False, False),
    ("referrals:detail", {"pk": "referral_pending"}, "referred_pending", False, True),
    ("referrals:detail", {"pk": "referral"}, "owner_caseworker", False, True),
    ("referrals:create", {"case_pk": "case"}, "owner_caseworker", False, False),
    ("repatriation:mine", {}, "owner_coordinator", False, False),
    ("repatriation:plan_edit", {"case_pk": "case"}, "owner_coordinator", False, True),
    ("repatriation:step", {"pk": "step"}, "owner_coordinator", False, False),
    ("repatriation:step", {"pk": "step"}, "owner_coordinator", True, False),
    ("repatriation:template_list", {}, "owner_org_admin", False, True),
    ("repatriation:template_edit", {"pk": "template"}, "owner_org_admin", False, True),
    ("notifications:list", {}, "owner_caseworker", False, True),
    ("notifications:bell", {}, "owner_caseworker", True, False),  # a count only
    ("exports:detail", {"pk": "export"}, "owner_coordinator", False, False),
    ("exports:status", {"pk": "export"}, "owner_coordinator", True, False),
    ("audit:events", {}, "owner_coordinator", False, True),
    ("organisation:users", {}, "owner_org_admin", False, True),
    ("organisation:user", {"pk": "member"}, "owner_org_admin", False, True),
    ("reports:dashboard", {}, "owner_coordinator", False, False),
    ("home", {}, "owner_caseworker", False, False),
    ("api:case-detail", {"pk": "case"}, "owner_caseworker", False, False),
]


@pytest.mark.parametrize(
    ("name", "ids", "user", "htmx", "shown"),
    PAGES,
    ids=[f"{p[0]}-{p[2]}{'-htmx' if p[3] else ''}" for p in PAGES],
)
def test_user_text_is_escaped(client, world, name, ids, user, htmx, shown):
    from tests.security.world import kwargs_ids

    all_ids = kwargs_ids(world)
    url = reverse(name, kwargs={k: all_ids[v] for k, v in ids.items()} or None)
    client.force_login(world.users[user])
    response = client.get(url, **(HTMX if htmx else {}))
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    if name.startswith("api:"):
        # JSON is not HTML: the API returns the text as data, with a JSON content type, so
        # a browser never renders it.
        assert response["Content-Type"].startswith("application/json")
        assert "nosniff" in response.get("X-Content-Type-Options", "")
        return
    assert_escaped(body, shown=shown)


def test_case_search_result_escapes_the_query(client, world):
    client.force_login(world.users["owner_caseworker"])
    body = client.get(reverse("cases:list"), {"q": PAYLOAD}).content.decode()
    assert_escaped(body)


def test_pdf_html_escapes_user_text(world):
    coordinator = world.users["owner_coordinator"]
    context = pdf.summary_context(
        case=world.case, exporter=coordinator, anonymised=False, purpose_label=PAYLOAD
    )
    html = pdf.render_html(context, "en")
    assert_escaped(html)


def test_emails_are_plain_text_without_names(world):
    mail.outbox.clear()
    # The world's own test notification carries the text on purpose; the others are the real
    # notifications of its referrals, consents and repatriation plan.
    for notification in Notification.objects.exclude(kind="test"):
        notification_email_send(notification_id=notification.pk)
    assert len(mail.outbox) >= 3, "the world's transitions notify someone"
    for message in mail.outbox:
        # Plain text only: no HTML part a mail client would render.
        assert not getattr(message, "alternatives", [])
        assert "\n" not in message.subject
        # Victims first: no name (the payload is the person's name) in any email.
        assert PAYLOAD not in message.body and PAYLOAD not in message.subject
    mail.outbox.clear()
    notification_email_send(notification_id=world.notification.pk)
    (message,) = mail.outbox
    assert not getattr(message, "alternatives", []) and message.content_subtype == "plain"


ATTRIBUTE_PAYLOAD = "x\" autofocus onfocus=\"alert(1)' data-x='"


@pytest.mark.parametrize(
    ("name", "ids", "user"),
    [
        ("cases:person_edit", {"pk": "case"}, "owner_caseworker"),
        ("cases:edit", {"pk": "case"}, "owner_coordinator"),
        ("cases:detail", {"pk": "case"}, "owner_caseworker"),
        ("cases:list", {}, "owner_caseworker"),
        ("repatriation:plan_edit", {"case_pk": "case"}, "owner_coordinator"),
    ],
)
def test_quotes_cannot_break_out_of_an_attribute(client, db, name, ids, user):
    """Text inside form values and attributes: quotes are escaped, so no new attribute."""
    from tests.security.world import kwargs_ids

    w = build_world(person_name=ATTRIBUTE_PAYLOAD, text=ATTRIBUTE_PAYLOAD)
    all_ids = kwargs_ids(w)
    client.force_login(w.users[user])
    url = reverse(name, kwargs={k: all_ids[v] for k, v in ids.items()} or None)
    body = client.get(url).content.decode()
    assert 'onfocus="alert' not in body and "onfocus=&quot;alert" in body
