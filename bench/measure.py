"""Measurements: each page against its floor — the same SQL the page runs, executed raw
with psycopg2 — and task throughput against no-op tasks on the same worker."""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    median_ms: float
    p95_ms: float
    queries: int | None = None
    floor_median_ms: float | None = None
    floor_p95_ms: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.floor_median_ms:
            return round(self.median_ms / self.floor_median_ms, 2)
        return None


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _summary(samples: list[float]) -> tuple[float, float]:
    return round(statistics.median(samples), 2), round(percentile(samples, 95), 2)


def raw_connection():
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        password=db.get("PASSWORD") or None,
    )


def page(
    name: str, client: Client, url: str, *, runs: int = 30, warmup: int = 3, **headers
) -> tuple[Result, list[str]]:
    """Server time of a page (in-process: request in, response out), its query count, and
    its floor: the same SQL statements run raw, in order, fetching every row."""
    for _ in range(warmup):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    statements = [q["sql"] for q in captured.captured_queries]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    median, p95 = _summary(samples)
    floor = []
    with raw_connection() as conn, conn.cursor() as cursor:
        for _ in range(warmup):
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
        for _ in range(runs):
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            floor.append((time.perf_counter() - started) * 1000)
        conn.rollback()
    floor_median, floor_p95 = _summary(floor)
    return Result(name, median, p95, len(statements), floor_median, floor_p95), statements


def queries_by_page_size(client: Client) -> dict[str, tuple[int, int]]:
    """Queries the case list and the API case list run at 10 and at 50 rows."""
    from cases.views import listing

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured.captured_queries)

    counts = {}
    saved = listing.PAGE_SIZE
    try:
        listing.PAGE_SIZE = 10
        ten = count("/cases/")
    finally:
        listing.PAGE_SIZE = saved
    counts["Case list (HTML)"] = (ten, count("/cases/"))
    counts["API case list"] = (
        count("/api/v1/cases/?page_size=10"),
        count("/api/v1/cases/?page_size=50"),
    )
    return counts


def explain(sql: str) -> str:
    with raw_connection() as conn, conn.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        conn.rollback()
    return plan


# --- tasks -----------------------------------------------------------------------------------


class WorkerProcess:
    """One Celery worker (solo pool: one task at a time) on a private queue."""

    def __init__(self, log_path: Path):
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "BENCH_DATABASE_URL": (
                f"postgres://{db.get('USER') or 'postgres'}@"
                f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
                f"{db['NAME']}"
            ),
            "REDIS_URL": str(settings.CELERY_BROKER_URL),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
        }
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        from config.celery import app

        self.app = app
        app.conf.task_always_eager = False
        app.conf.task_default_queue = self.queue
        # Warm up: the first task imports Django in the worker.
        self.run_pings(5, timeout=60)

    def run_pings(self, n: int, timeout: float = 120) -> float:
        import redis

        from config.celery import ping

        client = redis.Redis.from_url(str(settings.CELERY_BROKER_URL))
        key = f"{self.queue}:pings"
        client.delete(key)
        started = time.perf_counter()
        for _ in range(n):
            ping.delay(key)
        _wait(lambda: int(client.get(key) or 0) >= n, timeout)
        elapsed = time.perf_counter() - started
        client.delete(key)
        return elapsed

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError("benchmark condition not met in time")


def notification_throughput(
    worker: WorkerProcess, recipients, n: int = 1000, per_notice: int = 4
) -> Result:
    """n referral-notification emails through Redis and one worker, against n no-op tasks.
    As ``notify()`` publishes them: one task per notice, here ``per_notice`` recipients
    (the members of the receiving organisation in the seeded data)."""
    from notifications.models import Notification
    from notifications.tasks import send_notification_emails

    rows = Notification.objects.bulk_create(
        Notification(
            recipient=recipients[i % len(recipients)],
            kind="referral_received",
            message=f"New referral BENCH-{i:05d} for your organisation",
            link="/referrals/",
            email_wanted=True,
        )
        for i in range(n)
    )
    ids = [r.pk for r in rows]
    started = time.perf_counter()
    for i in range(0, len(ids), per_notice):
        send_notification_emails.delay(ids[i : i + per_notice])
    _wait(
        lambda: not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists(), 300
    )
    elapsed = time.perf_counter() - started
    floor = worker.run_pings(n)
    result = Result(
        f"{n} notifications, 1 worker",
        round(n / elapsed, 1),
        0,
        floor_median_ms=round(n / floor, 1),
    )
    result.notes.append(
        "figures are emails (or no-op tasks) per second; ratio = notifications / no-op tasks"
    )
    return result


# --- load ------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    rate: float
    seconds: float
    sent: int
    ok: int
    errors: int
    throughput: float
    p50: float
    p95: float
    p99: float
    workers: int


def load(
    paths: list[str],
    cookie: str,
    *,
    rate: float = 50,
    seconds: float = 60,
    workers: int = 0,
    port: int = 8765,
) -> LoadResult:
    """Open-loop load: requests start at a fixed rate whatever the server's speed, so slow
    responses show up as latency, not as a politely lower rate."""
    workers = workers or 2 * (os.cpu_count() or 1) + 1  # gunicorn's advice for sync workers
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "BENCH_DATABASE_URL": (
            f"postgres://{db.get('USER') or 'postgres'}@"
            f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
            f"{db['NAME']}"
        ),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: _get(port, "/healthz", "")[0] in (200, 503), 30)
        for path in paths:  # warm every worker's connections
            for _ in range(workers * 2):
                _get(port, path, cookie)
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def one(path: str, scheduled: float) -> None:
            # Latency counts from the request's scheduled time, so time spent queued
            # behind a slow server (or a busy generator) is not hidden (no coordinated
            # omission).
            nonlocal errors
            status, _ = _get(port, path, cookie)
            elapsed = (time.perf_counter() - scheduled) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors += 1

        total = int(rate * seconds)
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for i in range(total):
                target = began + i / rate
                delay = target - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, paths[i % len(paths)], target)
        wall = time.perf_counter() - began
        return LoadResult(
            rate,
            seconds,
            total,
            len(latencies),
            errors,
            round(len(latencies) / wall, 1),
            round(percentile(latencies, 50), 1) if latencies else 0,
            round(percentile(latencies, 95), 1) if latencies else 0,
            round(percentile(latencies, 99), 1) if latencies else 0,
            workers,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body
    except OSError:
        return 0, b""
