"""Benchmark 3b: the sandbox's serving side by side, under the same bursts of learners.

Sandboxes side by side, each its own process started like ``Sandbox.spawn`` (moto's state
lives in it, so one process each), all else equal:

- before: werkzeug's development server (HTTP/1.0 in effect: a new connection and a new
  thread per call), moto's dispatcher as shipped, a scrypt on each learner's first sign-in;
- main: cheroot (HTTP/1.1 keep-alive, a fixed pool of 24 workers), the cached host → backend
  look-up, still a scrypt on each first sign-in and moto's account look-ups as shipped;
- N workers: today's serving with a pool of N workers instead of the default;
- now: what ``sso-kit sandbox`` runs (its process on one CPU, ``serving.pin_to_one_cpu``;
  before and main stay on every CPU, as they ran).

All are started first; then 50 learners start at once on each in turn, then 200, two full
flows each, with the bare HTTP client of bench_capacity (one keep-alive connection per learner
where the server allows), so the rows compared are measured seconds apart, not minutes.
Rows: throughput (ratio to before, goal ≥ 3×), p95 (goals 100 / 400 ms), errors, and the
server's CPU per flow (read from /proc).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from benchmarks.bare_http import learners_of, warm_up
from benchmarks.bench_capacity import run_level
from benchmarks.common import REPO, Row, percentile, ratio

NAME = "sandbox serving"
KINDS = {
    "werkzeug": "before: werkzeug, new connection per call",
    "main": "cheroot, 24 workers, moto's own account look-ups, scrypt at each first sign-in",
    "threads-8": "now with 8 workers",
    "threads-64": "now with 64 workers",
    "now": "now: cheroot, 24 workers, remembered sign-ins, one CPU",
}
P95_GOALS_MS = {50: 100.0, 200: 400.0}
SITECUSTOMIZE = """\
import os
kind = os.environ.get("SSO_KIT_BENCH_SERVER")
if kind:
    from benchmarks.legacy_server import install
    install(kind)
"""


def spawn(kind: str, workdir: Path, learners: int) -> Any:
    """``Sandbox.spawn`` with the child patched to serve as ``kind`` (via sitecustomize)."""
    from sso_kit.sandbox import Sandbox

    hook = workdir / "servers-hook"
    hook.mkdir(parents=True, exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, "utf-8")
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "SSO_KIT_BENCH_SERVER")}
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(hook), str(REPO), saved["PYTHONPATH"]])
    )
    os.environ["SSO_KIT_BENCH_SERVER"] = kind
    try:
        return Sandbox.spawn(
            state_file=workdir / f"servers-{kind}" / "sandbox.json",
            timeout=300,
            learners=learners,
            auto_approve=True,
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(quick: bool, workdir: Path) -> list[Row]:
    levels = (4, 8) if quick else (50, 200)
    rounds = 1 if quick else 2
    # the smoke test (--quick) compares the two ends only: each kind is a sandbox process
    kinds = {k: KINDS[k] for k in (("werkzeug", "now") if quick else KINDS)}
    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    sandboxes: dict[str, Any] = {}
    try:
        # All started first (idle, they cost no CPU), then each level on each in turn: the
        # machine's load drifts less between the rows compared than from one kind to the next.
        for kind in kinds:
            sandboxes[kind] = spawn(kind, workdir, max(levels))
            warm_up(sandboxes[kind], learners_of(sandboxes[kind])[0])
        for n in levels:
            for kind, sb in sandboxes.items():
                results[kind].append(run_level(sb, learners_of(sb)[:n], rounds))
    finally:
        for sb in sandboxes.values():
            sb.terminate()
    rows = []
    for index, n in enumerate(levels):
        before = results["werkzeug"][index]
        before_rate = before["calls"] / before["wall"]
        for kind, label in kinds.items():
            r = results[kind][index]
            rate = r["calls"] / r["wall"]
            p95 = percentile(r["all"], 95) * 1000
            flows = max(r["flows"], 1)
            head = kind in ("werkzeug", "now")
            rows += [
                Row(NAME, f"{n} at once, {label}: throughput", rate, "calls/s",
                    ratio=ratio(rate, before_rate), goal="≥ 3× before" if kind == "now" else "",
                    note=f"{r['flows']} flows in {r['wall']:.2f} s; ratio to before",
                    headline=head),
                Row(NAME, f"{n} at once, {label}: p95 of every call", p95, "ms",
                    goal=f"≤ {P95_GOALS_MS.get(n, 400):.0f} ms" if kind == "now" else "",
                    note=f"p50 {percentile(r['all'], 50) * 1000:.0f} / p99 "
                    f"{percentile(r['all'], 99) * 1000:.0f} ms over {len(r['all'])} calls",
                    headline=head),
                Row(NAME, f"{n} at once, {label}: errors", float(len(r["errors"])), "",
                    goal="0", note=(r["errors"] or [""])[0], headline=head),
                Row(NAME, f"{n} at once, {label}: server CPU per flow", r["cpu"] / flows * 1000,
                    "ms", note=f"{r['cpu']:.2f} CPU-s for {r['flows']} flows of 6 calls",
                    headline=head),
            ]  # fmt: skip
    return rows
