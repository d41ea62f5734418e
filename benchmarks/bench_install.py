"""Benchmark 0: a fresh clone to the Lab URL, pip against uv, with cold and with warm caches.

Each case clones this repository's committed HEAD into a new folder and, with a fresh HOME,
runs until `sso-kit lab` prints the Lab's URL, then stops it with Ctrl-C:

- uv: ``make lab`` as a learner types it (uv is fetched once per user, then ``uv sync`` from
  uv.lock);
- pip: what ``make lab`` did before uv, on the same runtime set: ``python3 -m venv .venv``,
  ``pip install -e .``, then ``sso-kit lab``.

"cold" gives each installer empty caches (pip's, uv's and the per-user copy of uv); "warm" runs
the same case a second time on the caches the cold run filled, again from a fresh clone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO, Row, ratio

NAME = "first run"
URL = re.compile(r"http://127\.0\.0\.1:\d+/lab\S*")
TIMEOUT = 1800.0  # pip's cold install takes many minutes on a loaded machine
LAB_ARGS = "--port 0 --no-browser"


def _python() -> str:
    """A bare python3 (not this venv's), as a fresh clone would find it."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return shutil.which("python3") or base


def _commands(installer: str) -> str:
    if installer == "uv":
        return f"make lab LAB_ARGS='{LAB_ARGS}' PYTHON={_python()}"
    return (
        f"{_python()} -m venv .venv && .venv/bin/python -m pip install -q -e . "
        f"&& .venv/bin/python -m sso_kit lab {LAB_ARGS}"
    )


def _env(caches: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    env.pop("SSO_KIT_SANDBOX_URL", None)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(caches),  # where make keeps its copy of uv
        PIP_CACHE_DIR=str(caches / "pip"),
        UV_CACHE_DIR=str(caches / "uv"),
        PATH=os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(REPO))
        ),
    )
    return env


def time_to_lab_url(installer: str, caches: Path, workdir: Path) -> float:
    """Seconds from `git clone` to the Lab URL on stdout; the lab is stopped afterwards."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{installer}-", dir=workdir))
    home = run_dir / "home"
    home.mkdir()
    clone = run_dir / "sso-kit"
    env = _env(caches, home)
    began = time.perf_counter()
    subprocess.run(
        ["git", "clone", "-q", str(REPO), str(clone)], check=True, env=env, timeout=120
    )
    proc = subprocess.Popen(
        ["bash", "-c", _commands(installer)],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if URL.search(line):
                return time.perf_counter() - began
            if time.perf_counter() - began > TIMEOUT:
                break
        raise RuntimeError(f"{installer}: no Lab URL; last output: {''.join(seen[-5:])[-400:]}")
    finally:
        with_group(proc, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
        shutil.rmtree(run_dir, ignore_errors=True)


def with_group(proc: subprocess.Popen[str], sig: int) -> None:
    """Signal the case's whole process group (make, the lab, JupyterLab), as Ctrl-C would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def run(quick: bool, workdir: Path, installers: tuple[str, ...] | None = None) -> list[Row]:
    rows = []
    times: dict[tuple[str, str], float | None] = {}
    failures: dict[tuple[str, str], str] = {}
    installers = installers or (("uv",) if quick else ("uv", "pip"))
    for installer in installers:
        caches = Path(tempfile.mkdtemp(prefix=f"caches-{installer}-", dir=workdir))
        try:
            for state in ("cold", "warm"):
                try:
                    times[installer, state] = time_to_lab_url(installer, caches, workdir)
                except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                    times[installer, state] = None  # one failed case is a row, not a crash
                    failures[installer, state] = str(exc)[:200]
        finally:
            shutil.rmtree(caches, ignore_errors=True)
    goals = {"cold": ("≤ 30 s", 30.0), "warm": ("≤ 20 s", 20.0)}
    for installer in installers:
        for state in ("cold", "warm"):
            value = times[installer, state]
            if installer == "uv":
                goal, base = goals[state][0], goals[state][1]
                note = "`make lab`; ratio is to the goal"
            else:
                goal, base = "", times.get(("uv", state))
                note = "venv + `pip install -e .` + `sso-kit lab`; ratio is to uv's"
            rows.append(
                Row(
                    NAME,
                    f"clone → Lab URL, {installer}, {state} cache",
                    value,
                    "s",
                    ratio=ratio(value, base),
                    goal=goal,
                    note=failures.get((installer, state), note),
                    headline=True,
                )
            )
    return rows
