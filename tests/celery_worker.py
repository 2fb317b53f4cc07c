"""A real Celery worker process for task integration tests.

The worker runs ``celery -A config worker`` against the real Redis broker and the test
database (tests using it must be ``django_db(transaction=True)`` so that what they write is
committed and visible to the worker). Each worker listens on a queue of its own, so parallel
test runs on one Redis never take each other's tasks. Emails the worker sends land as files
in ``worker.mail_dir``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen

    def emails(self) -> list[str]:
        """Every message written, one string each. The file backend writes one file per
        connection, its messages each followed by a line of 79 dashes; one connection may
        carry several messages (a notice's recipients are emailed over one)."""
        separator = "\n" + "-" * 79 + "\n"
        return [
            message + separator
            for p in sorted(self.mail_dir.glob("*.log"))
            for message in p.read_text().split(separator)
            if message.strip()
        ]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for(condition: Callable[[], object], timeout: float = 30, interval: float = 0.2):
    """Poll until ``condition()`` is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout}s")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _env(queue: str, mail_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": str(settings.CELERY_BROKER_URL),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        **extra,
    }


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def worker_process(
    tmp_path: Path, *, extra_env: dict[str, str] | None = None, beat: bool = False
) -> Iterator[Worker]:
    """A worker on a private queue (and, with ``beat``, a ``celery beat`` process running the
    real CELERY_BEAT_SCHEDULE onto that queue); ``extra_env`` overrides the worker's
    environment (another broker, an SMTP server). Tasks the test publishes go to the queue."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir(exist_ok=True)
    log_path = tmp_path / "worker.log"
    env = _env(queue, mail_dir, extra_env or {})
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                f"{queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    beat_process = None
    if beat:
        with (tmp_path / "beat.log").open("w") as log:
            beat_process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    str(tmp_path / "beat-schedule"),
                    "--pidfile=",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    worker = Worker(queue=queue, mail_dir=mail_dir, log_path=log_path, process=process)
    try:
        wait_for(lambda: "ready." in worker.log() or process.poll() is not None, timeout=60)
        if process.poll() is not None:
            raise AssertionError("The Celery worker did not start:\n" + worker.log())
        yield worker
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        if beat_process is not None:
            _stop(beat_process)
        _stop(process)
        # (If a test stopped that broker, the queue went with it.)
        with suppress(redis.RedisError):
            redis.Redis.from_url(env["REDIS_URL"], socket_timeout=2).delete(queue)


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """This process publishes to ``url`` (another broker, or a port where nothing listens),
    then to the real broker again. The app caches its connection and producer pools (kombu
    keeps one per URL): the app's references are dropped both ways so that the next publish
    picks the pool for the URL."""

    def reset_pools() -> None:
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]

    real = celery_app.conf.broker_url
    celery_app.conf["broker_url"] = url
    reset_pools()
    try:
        yield
    finally:
        celery_app.conf["broker_url"] = real
        reset_pools()


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """Start a worker on a private queue; tasks published by the test go to it."""
    with worker_process(tmp_path) as worker:
        yield worker
