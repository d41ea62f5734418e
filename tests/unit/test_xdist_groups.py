"""``make test`` relies on ``--dist loadgroup``: the tests of one ``xdist_group`` share a worker.

The hub tests share one JupyterHub and the quick benchmarks share one run through a module
fixture; if the groups fell apart (as with pytest 9.2 and pytest-xdist 3.8, where the mark
was silently dropped), each worker would start its own hub and run every benchmark again.
This runs a tiny suite through the same pytest and xdist in a fresh process and checks
which worker ran what, with ``make test``'s first plugin (``tests/lean_imports_plugin.py``):
without it each of the three pytest processes loads jsonschema's ``iri`` checker, some 3 s of
CPU apiece.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SUITE = '''
import json, os
import pytest

pytestmark = pytest.mark.xdist_group("one")
OUT = os.environ["GROUPS_OUT"]


@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    with open(OUT, "a") as f:
        f.write(json.dumps([os.environ["PYTEST_XDIST_WORKER"], n]) + "\\n")
'''
ALONE = '''
import time

import pytest


@pytest.mark.parametrize("n", range(6))
def test_alone(n):
    time.sleep(0.05)  # long enough that the other worker takes some of these
'''


def test_one_group_runs_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "test_grouped.py").write_text(SUITE)
    (tmp_path / "test_alone.py").write_text(ALONE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not this repository's settings
    out = tmp_path / "groups.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.lean_imports_plugin", "-q", "-n", "2",
         "--dist", "loadgroup", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**_outside_pytest(), "GROUPS_OUT": str(out), "PYTHONPATH": _with_repo()},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ran = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(n for _, n in ran) == list(range(6)), ran
    workers = {worker for worker, _ in ran}
    assert len(workers) == 1, f"one xdist_group ran on {sorted(workers)}: {ran}"


def _with_repo() -> str:
    """PYTHONPATH with this repository first, so the workers find ``tests.lean_imports_plugin``."""
    return os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))


def _outside_pytest() -> dict[str, str]:
    """This environment without the variables of the pytest (and xdist worker) running us."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
