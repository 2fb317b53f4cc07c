"""Recovery after an outage (issue 16): with the real worker and beat, every notification is
emailed within 30 s of the mail server and the broker being back, and exactly once.

The mail server is a real SMTP server (aiosmtpd) on a spare port that the test stops and
starts; the broker outage uses a second redis-server on a spare port, started, stopped and
started again by the test. The worker and ``celery beat`` run the real beat schedule (the
sweeps every 10 s). Every wait is bounded."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections import Counter

import pytest
import redis
from aiosmtpd.controller import Controller
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import notify
from tests.celery_worker import publishing_to, wait_for, worker_process
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

MESSAGE = _("New referral %(reference)s for your organisation")
RECOVERY = 30  # seconds: the target of issue 16


def _spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """What the SMTP server received: one (recipients, message) per message."""

    def __init__(self) -> None:
        self.messages: list[tuple[tuple[str, ...], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            self.messages.append((tuple(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def recipients(self) -> Counter:
        with self._lock:
            return Counter(r for rcpts, _content in self.messages for r in rcpts)


class SmtpServer:
    """A real SMTP server on ``port``, stopped and started by the test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sink = Sink()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class RedisServer:
    """A second redis-server (no persistence) on a spare port: an outage the test controls."""

    def __init__(self, port: int, log_path) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._log_path = log_path
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self._log_path, "a") as log:
            self._process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis.from_url(self.url, socket_timeout=1)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(up, timeout=10)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


def _notices(count: int, tag: str) -> list[Notification]:
    """``count`` notices to two recipients each (one task per notice, as a referral makes)."""
    rows: list[Notification] = []
    for i in range(count):
        users = [
            UserFactory(username=f"{tag}{i}{who}", email=f"{tag}{i}{who}@example.org")
            for who in "ab"
        ]
        rows += notify(
            recipients=users,
            kind="test",
            message=MESSAGE,
            params={"reference": f"KH-MLC-2026-{i:05d}"},
            link="/referrals/",
        )
    return rows


def _assert_each_emailed_once(rows: list[Notification], sink: Sink) -> None:
    expected = {row.recipient.email for row in rows}
    received = sink.recipients()
    assert set(received) == expected
    assert set(received.values()) == {1}, received
    fresh = Notification.objects.filter(pk__in=[r.pk for r in rows])
    assert all(r.emailed_at is not None and r.email_attempts == 1 for r in fresh)


def _all_sent(rows: list[Notification]) -> bool:
    return not Notification.objects.filter(
        pk__in=[r.pk for r in rows], emailed_at__isnull=True
    ).exists()


def test_mail_server_outage_every_email_within_30_s_of_its_return_once(tmp_path):
    smtp = SmtpServer(_spare_port())
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    with worker_process(tmp_path, extra_env=mail_env, beat=True) as worker:
        try:
            rows = _notices(10, "smtp")  # the mail server is down
            # Each notice's task ran and found no mail server: kept on the rows, not counted.
            wait_for(
                lambda: all(
                    "Connection" in r.last_error
                    for r in Notification.objects.filter(pk__in=[r.pk for r in rows])
                ),
                timeout=20,
            )
            time.sleep(12)  # a sweep or more while still down: nothing given up, nothing sent
            assert not Notification.objects.filter(
                pk__in=[r.pk for r in rows], emailed_at__isnull=False
            ).exists()
            assert set(
                Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list(
                    "email_attempts", flat=True
                )
            ) == {0}

            smtp.start()  # back
            back = time.monotonic()
            wait_for(lambda: _all_sent(rows), timeout=RECOVERY)
            assert time.monotonic() - back < RECOVERY
            # Later sweeps send nothing more.
            time.sleep(12)
            _assert_each_emailed_once(rows, smtp.sink)
            assert "sweep_unsent" in worker.log()
        finally:
            smtp.stop()


def test_broker_outage_every_email_within_30_s_of_its_return_once(tmp_path):
    smtp = SmtpServer(_spare_port())
    broker = RedisServer(_spare_port(), tmp_path / "redis.log")
    env = {
        "REDIS_URL": broker.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    smtp.start()
    broker.start()
    try:
        with publishing_to(broker.url), worker_process(tmp_path, extra_env=env, beat=True):
            before = _notices(2, "before")  # all well: sent at once
            wait_for(lambda: _all_sent(before), timeout=20)

            broker.stop()  # the broker goes away; referrals go on being made
            during = _notices(4, "during")
            time.sleep(5)
            assert not _all_sent(during)

            broker.start()  # back (empty: whatever it held is lost)
            back = time.monotonic()
            wait_for(lambda: _all_sent(during), timeout=RECOVERY)
            assert time.monotonic() - back < RECOVERY
            time.sleep(12)  # later sweeps send nothing more
            _assert_each_emailed_once(before + during, smtp.sink)
    finally:
        broker.stop()
        smtp.stop()
