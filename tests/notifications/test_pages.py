"""The bell, the list, mark as read."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _notify(user, n=1):
    for i in range(n):
        notify(
            recipients=[user],
            kind="test",
            message=_("New referral %(reference)s for your organisation"),
            params={"reference": f"KH-MLC-2026-0000{i}"},
            link="/referrals/",
        )


def test_bell_on_every_page_with_unread_count(client, caseworker):
    _notify(caseworker, 3)
    client.force_login(caseworker)
    html = client.get(reverse("cases:list")).content.decode()
    # The page carries the bell; htmx fetches the count on load and every 30 s.
    bell_url = reverse("notifications:bell")
    assert f'hx-get="{bell_url}" hx-trigger="load, every 30s"' in html
    bell = client.get(bell_url).content.decode()
    assert '<span class="bell-count">3</span>' in bell
    assert 'hx-trigger="every 30s"' in bell


def test_mark_read_htmx_and_foreign_rows(client, caseworker, other_caseworker):
    _notify(caseworker, 2)
    _notify(other_caseworker)
    mine = Notification.objects.filter(recipient=caseworker).first()
    theirs = Notification.objects.get(recipient=other_caseworker)
    client.force_login(caseworker)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "KH-MLC-2026-00000" in html and "KH-MLC-2026-00001" in html
    response = client.post(
        reverse("notifications:mark_read", args=[mine.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Mark as read" not in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert '<span class="bell-count">1</span>' in bell


def test_open_marks_read_and_follows_link(client, caseworker):
    _notify(caseworker)
    row = Notification.objects.get()
    client.force_login(caseworker)
    response = client.get(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302 and response.url == "/referrals/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:bell")).status_code == 302
