"""The benchmark harness's own pieces: percentiles, the table, parsers, failure handling."""

from __future__ import annotations

import json
import math
import types

import pytest

from benchmarks import bench_imports, bench_tutorial, run
from benchmarks.bare_http import CallFailed
from benchmarks.common import Row, markdown_table, percentile, ratio


def test_percentile_is_nearest_rank_and_a_real_sample():
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 95) == 95.0
    assert percentile(samples, 99) == 99.0
    assert percentile([0.3, 0.1, 0.2], 100) == 0.3
    assert math.isnan(percentile([], 95))


def test_ratio_handles_missing_values():
    assert ratio(3.0, 1.5) == 2.0
    assert ratio(None, 1.0) is None
    assert ratio(1.0, 0.0) is None


def test_markdown_table_shows_missing_values_and_escapes_pipes():
    table = markdown_table(
        [
            Row("b", "fast", 1234.5, "ms", 2.5, "≤ 3×", "a | b"),
            Row("b", "broken", None, "s", note="failed"),
        ]
    )
    lines = table.splitlines()
    assert lines[0].startswith("| benchmark | case |")
    assert "| b | fast | 1234 ms | 2.50× | ≤ 3× | a \\| b |" in lines
    assert "| b | broken | n/a |  |  | failed |" in lines
    assert all(line.count(" | ") >= 5 for line in lines)


def test_tutorial_summary_parser_reads_the_runner_table():
    from sso_kit.course.runner import StepResult, format_summary

    text = format_summary(
        [StepResult("00_start_here", "ok", 1.25), StepResult("01_identity_center", "failed", 3.0)]
    )
    assert bench_tutorial.parse_summary(text) == [
        ("00_start_here", "ok", 1.2),
        ("01_identity_center", "failed", 3.0),
    ]


def test_import_time_of_a_real_module_is_positive():
    assert bench_imports.import_microseconds("json") > 0
    with pytest.raises(Exception):  # noqa: B017 - a missing module makes the child fail
        bench_imports.import_microseconds("no_such_module_for_sso_kit_bench")


def test_call_failed_message_carries_no_secret():
    err = CallFailed("CreateToken", 400, b'{"accessToken": "s3cr3t-value", "error": "x"}')
    assert "s3cr3t-value" not in str(err)
    assert "CreateToken" in str(err) and "400" in str(err)


def test_a_crashing_benchmark_becomes_a_row_and_exit_code_1(tmp_path, monkeypatch, capsys):
    fake = types.ModuleType("fake_bench")
    fake.NAME = "fake"

    def boom(quick, workdir):
        raise RuntimeError("refreshToken=abc123 went wrong")

    fake.run = boom
    monkeypatch.setitem(run.BENCHMARKS, "imports", "fake_bench")
    monkeypatch.setitem(__import__("sys").modules, "fake_bench", fake)
    code = run.main(["--only", "imports", "--results", str(tmp_path)])
    assert code == 1
    document = json.loads((tmp_path / "latest.json").read_text())
    (row,) = document["rows"]
    assert row["case"] == "benchmark failed" and row["value"] is None
    assert "abc123" not in json.dumps(document)
    assert "abc123" not in capsys.readouterr().out
