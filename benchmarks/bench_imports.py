"""Benchmark 4: what ``import sso_kit`` costs next to ``import boto3``, in fresh processes.

``python -X importtime -c "import X"`` reports each module's cumulative import time; the line
for the top-level package is the cost of the import (interpreter start-up excluded).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import Row, ratio

NAME = "import cost"
MODULES = ("boto3", "sso_kit")


def import_microseconds(module: str) -> float:
    """Cumulative import time of ``module`` (µs) in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    for line in reversed(done.stderr.splitlines()):
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return float(parts[1])
    raise RuntimeError(f"no importtime line for {module!r} in:\n{done.stderr[-500:]}")


def run(quick: bool, workdir: Path) -> list[Row]:
    runs = 2 if quick else 9
    medians: dict[str, float] = {}
    for module in MODULES:
        import_microseconds(module)  # warm the file system cache and .pyc files
        samples = [import_microseconds(m) for m in [module] * runs]
        medians[module] = statistics.median(samples) / 1000
    return [
        Row(NAME, "`import boto3`", medians["boto3"], "ms", 1.0, note=f"median of {runs}",
            headline=True),
        Row(NAME, "`import sso_kit`", medians["sso_kit"], "ms",
            ratio(medians["sso_kit"], medians["boto3"]), "≤ 1.2× boto3",
            note=f"median of {runs}; -X importtime cumulative", headline=True),
    ]  # fmt: skip
