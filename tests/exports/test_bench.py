"""The benchmark's own code, at a tiny scale (it is not a performance test)."""

import pytest

from bench import pdf as bench_pdf

pytestmark = pytest.mark.django_db


def test_benchmark_runs_and_reports():
    case, user = bench_pdf.build_case()
    result = bench_pdf.run(case=case, exporter=user, runs=2)
    assert 3 <= result.pages <= 4  # the "typical 3-page summary" it claims to time
    assert len(result.end_to_end.runs) == len(result.weasyprint_only.runs) == 2
    assert all(t > 0 for t in result.end_to_end.runs + result.weasyprint_only.runs)
    assert result.ratio == result.end_to_end.median / result.weasyprint_only.median
    report = result.report()
    assert "end to end" in report and "WeasyPrint alone" in report and "ratio" in report


def test_stats():
    stats = bench_pdf.Stats([0.3, 0.1, 0.2, 0.4, 1.0])
    assert stats.median == 0.3
    assert stats.p95 == 1.0
