"""`make bench` end to end at tiny scale: seed, pages against their floor, EXPLAIN, a real
Celery worker against no-op tasks, gunicorn under load, and the report."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.celery_worker
def test_bench_runs_end_to_end_at_small_scale(tmp_path):
    output = tmp_path / "performance.md"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/homeward_bench_selftest",
        "BENCH_CASES": "300",
        "BENCH_ORGS": "5",
        "BENCH_RUNS": "3",
        "BENCH_LOAD_SECONDS": "2",
        "BENCH_LOAD_RATE": "20",
        "BENCH_NOTIFICATIONS": "30",
        "BENCH_OUTPUT": str(output),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = output.read_text()
    for heading in (
        "## Data set",
        "## Pages against their floor",
        "## Notifications",
        "## Load",
        "## Plan of the case-list query",
    ):
        assert heading in report
    assert "| cases | 300 |" in report
    assert "Case list, 50 rows" in report and "Case detail, 50-entry timeline" in report
    for name in ("API case list, 50 rows", "Case list, name search", "PDF summary"):
        assert name in report
    # The query count does not grow with the page size, for both lists.
    for page in ("Case list (HTML)", "API case list"):
        cells = report.split(f"| {page} |")[1].splitlines()[0].split("|")
        assert cells[0].strip() == cells[1].strip(), page
    assert "Index" in report  # the plan uses an index
    load_row = report.split("| sent | ok |")[1].splitlines()[2]
    assert load_row.split("|")[3].strip() == "0"  # no errors under load
