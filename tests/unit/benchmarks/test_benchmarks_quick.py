"""Smoke test: every benchmark runs at its --quick size and writes well-formed rows.

Real parts: a real sandbox on 127.0.0.1 (port 0), the real `aws` CLI, papermill and a kernel.
Nothing here looks at how fast anything was, only at the shape of the results.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks import run

# one quick run for the whole module: with xdist the tests stay on one worker, so the
# module fixture (every benchmark at --quick size) runs once, not once per worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench-quick")]

ROW_KEYS = {"benchmark", "case", "value", "unit", "ratio", "goal", "note", "headline"}
SECRET_WORDS = ("accessToken", "refreshToken", "clientSecret", "secretAccessKey", "deviceCode")


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    results = tmp_path_factory.mktemp("bench-results")
    code = run.main(["--quick", "--suite", "--results", str(results)])
    document = json.loads((results / "latest.json").read_text("utf-8"))
    return code, document, results


def test_every_benchmark_ran_without_failing(quick_results):
    code, document, _ = quick_results
    failed = [r for r in document["rows"] if r["case"] == "benchmark failed"]
    assert failed == [] and code == 0
    names = {r["benchmark"] for r in document["rows"]}
    assert names == {
        "login→buckets",
        "tutorial",
        "sandbox capacity",
        "sandbox serving",
        "import cost",
        "test suite",
        "workshop",
    }


def test_rows_are_well_formed(quick_results):
    _, document, _ = quick_results
    for row in document["rows"]:
        assert set(row) == ROW_KEYS, row
        assert isinstance(row["case"], str) and row["case"]
        assert isinstance(row["headline"], bool)
        if row["value"] is not None:
            assert isinstance(row["value"], int | float) and math.isfinite(row["value"]), row
            assert row["value"] >= 0, row
        if row["ratio"] is not None:
            assert math.isfinite(row["ratio"]) and row["ratio"] >= 0, row


def test_each_benchmark_reports_what_the_issue_asks_for(quick_results):
    _, document, _ = quick_results
    cases = {(r["benchmark"], r["case"]): r for r in document["rows"]}
    login = [r for (b, _), r in cases.items() if b == "login→buckets"]
    assert len(login) == 10 and all(r["value"] is not None for r in login), login
    assert login[0]["ratio"] == 1.0 and login[1]["goal"] == "≤ 2× floor"
    assert login[4]["case"] == "floor, a new connection per call"
    assert login[5]["case"].startswith("reference: botocore alone")
    cli_path = cases[("login→buckets", "CLI path: `sso-kit login --force` + `sso-kit ls`")]
    assert cli_path["goal"] == "≤ 0.5× CLI v2" and cli_path["ratio"] > 0
    capacity = [c for b, c in cases if b == "sandbox capacity"]
    for n in (2, 4):
        assert f"{n} learners: errors" in capacity
        assert cases[("sandbox capacity", f"{n} learners: errors")]["value"] == 0
        assert f"{n} learners: ListBuckets p95" in capacity
    assert any(c.startswith("profile top frame") for c in capacity)
    assert "4 learners over 1 s: throughput" in capacity
    if Path("/proc/net/netstat").exists():
        assert "4 learners: listen-queue overflows" in capacity
    serving = {c for b, c in cases if b == "sandbox serving"}
    from benchmarks.bench_servers import KINDS

    for label in (KINDS["werkzeug"], KINDS["now"]):
        assert f"8 at once, {label}: errors" in serving
        assert cases[("sandbox serving", f"8 at once, {label}: errors")]["value"] == 0
        assert f"8 at once, {label}: server CPU per flow" in serving
    tutorial = [c for b, c in cases if b == "tutorial"]
    assert "notebook 00_start_here" in tutorial
    assert any(c.startswith("slowest cell: 00_start_here #") for c in tutorial), tutorial
    assert cases[("tutorial", "total (`sso-kit tutorial run`, process wall)")]["value"] > 0
    assert cases[("import cost", "`import sso_kit`")]["ratio"] is not None
    assert "passed" in cases[("test suite", "unit: packaging only")]["note"]


def test_results_are_written_as_json_and_markdown_without_secrets(quick_results):
    _, document, results = quick_results
    machine = document["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["cpu"]
    markdown = (results / "latest.md").read_text("utf-8")
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    headline = [row for row in document["rows"] if row["headline"]]
    assert 0 < len(headline) < len(document["rows"])
    # two tables (headline, every row), each with a header and a rule line
    assert len(table) == len(headline) + len(document["rows"]) + 4
    assert (results / "capacity-profile.txt").stat().st_size > 0
    text = markdown + json.dumps(document)
    for word in SECRET_WORDS:
        assert word not in text
