"""Benchmark 5 (opt-in, ``run.py --suite``): wall time of the test suite, part by part.

Each part runs once through pytest with ``-q`` into ``benchmarks/results/suite-<part>.log``;
the row keeps pytest's own summary line (passed / failed counts). Like ``make test``, with
``tests/lean_imports_plugin.py`` loaded first (no jsonschema ``iri`` checker in the process).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import REPO, Row

NAME = "test suite"
PARTS = {
    "unit": "tests/unit",
    "integration": "tests/integration",
    "notebooks": "tests/notebooks",
    "e2e (browser)": "tests/e2e",
}
QUICK_PARTS = {"unit: packaging only": "tests/unit/test_packaging.py"}
SUMMARY = re.compile(r"(\d+ (passed|failed|error|errors|skipped)[^\n]*) in [\d.]+s")


def run(quick: bool, workdir: Path, *, results: Path | None = None) -> list[Row]:
    logs = results or workdir
    logs.mkdir(parents=True, exist_ok=True)
    rows = []
    total = 0.0
    for part, path in (QUICK_PARTS if quick else PARTS).items():
        log = logs / f"suite-{part.split()[0].rstrip(':')}.log"
        began = time.perf_counter()
        with open(log, "w", encoding="utf-8") as handle:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "tests.lean_imports_plugin", path, "-q",
                 "-p", "no:cacheprovider"],
                cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, timeout=3600,
            )  # fmt: skip
        wall = time.perf_counter() - began
        total += wall
        found = SUMMARY.findall(log.read_text("utf-8", "replace"))
        summary = found[-1][0] if found else f"pytest exited {done.returncode}, see {log.name}"
        rows.append(Row(NAME, part, wall, "s", note=f"{summary}; log {log.name}", headline=True))
    rows.append(Row(NAME, "all parts", total, "s", note="each part once, -q", headline=True))
    return rows
