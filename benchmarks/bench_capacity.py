"""Benchmark 3: a workshop's worth of learners on ONE sandbox at the same minute.

The sandbox runs as its own process (``python -m sso_kit sandbox --learners N --auto-approve``
via ``Sandbox.spawn``) so its CPU and peak memory can be read from /proc. For each level
(10, 50, 200) that many threads start together, each signed in as its own ``learnerNN`` and
each doing the whole flow a fixed number of times with the bare HTTP client (light on the
client side, so the two cores go to the server): RegisterClient, StartDeviceAuthorization,
Approve (sign-in + consent as the learner, the web form's code path), CreateToken,
GetRoleCredentials, ListBuckets. A last level spreads 200 learners' arrivals evenly over one
minute, as a workshop would. Loops are bounded; every call has a timeout.

The hot path is then profiled with pyinstrument by driving the same WSGI app in this process
(werkzeug's test client, no sockets), and the heaviest frames are reported.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.bare_http import OPERATIONS, BareClient, WsgiClient, learners_of, warm_up
from benchmarks.common import REPO, Row, cpu_seconds, listen_overflows, peak_rss_mib, percentile

NAME = "sandbox capacity"
#: p95 goals by level: (learners, seconds over which they arrive) -> ms
P95_GOALS_MS = {(50, 0.0): 100.0, (200, 0.0): 400.0, (200, 60.0): 10.0}


def _learner(
    sb: Any, user: Any, rounds: int, delay: float, barrier: threading.Barrier, out: dict[str, Any]
) -> None:
    client = BareClient(sb.url, sb.start_url, timeout=60)
    errors: list[str] = []
    try:
        barrier.wait(timeout=120)
        time.sleep(delay)  # staggered arrival (0 for a burst)
        for _ in range(rounds):
            try:
                client.full_flow(approve=(user.name, user.password, sb.admin_key))
            except Exception as exc:  # counted and reported (message holds no secrets)
                errors.append(f"{type(exc).__name__}: {exc}"[:160])
    finally:
        client.close()
        out["timings"] = client.timings
        out["errors"] = errors


def run_level(sb: Any, users: list[Any], rounds: int, ramp: float = 0.0) -> dict[str, Any]:
    """``users`` starting together (or spread evenly over ``ramp`` seconds), ``rounds`` flows
    each; latency per operation, errors, the server's CPU and peak memory."""
    barrier = threading.Barrier(len(users) + 1)
    outs: list[dict[str, Any]] = [{} for _ in users]
    threads = [
        threading.Thread(
            target=_learner,
            args=(sb, u, rounds, i * ramp / len(users), barrier, o),
            daemon=True,
        )
        for i, (u, o) in enumerate(zip(users, outs, strict=True))
    ]
    for thread in threads:
        thread.start()
    cpu_before = cpu_seconds(sb.pid)
    overflows_before = listen_overflows()
    barrier.wait(timeout=120)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=900)
    wall = time.perf_counter() - began
    cpu = cpu_seconds(sb.pid) - cpu_before
    overflows_after = listen_overflows()
    per_op: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    for out in outs:
        for operation, seconds in out.get("timings", []):
            per_op[operation].append(seconds)
        errors += out.get("errors", ["learner thread did not finish"])
    calls = sum(len(v) for v in per_op.values())
    return {
        "learners": len(users),
        "ramp": ramp,
        "wall": wall,
        "flows": len(users) * rounds - len(errors),
        "calls": calls,
        "errors": errors,
        "per_op": per_op,
        "all": [s for v in per_op.values() for s in v],
        "cpu": cpu,
        "peak_mib": peak_rss_mib(sb.pid),
        "overflows": None
        if overflows_before is None or overflows_after is None
        else overflows_after - overflows_before,
    }


def level_rows(result: dict[str, Any]) -> list[Row]:
    n = result["learners"]
    limit = P95_GOALS_MS.get((n, float(result["ramp"])))
    goal = f"≤ {limit:.0f} ms" if limit else ""
    case = f"{n} learners" + (f" over {result['ramp']:.0f} s" if result["ramp"] else "")
    samples = result["all"]
    p95_all = percentile(samples, 95) * 1000
    errors = result["errors"]
    first_error = f"; first error: {errors[0]}" if errors else ""
    rows = [
        Row(NAME, f"{case}: throughput", result["flows"] / result["wall"], "flows/s",
            note=f"{result['calls'] / result['wall']:.0f} calls/s; {result['flows']} flows "
            f"in {result['wall']:.2f} s", headline=True),
        Row(NAME, f"{case}: errors", float(len(errors)), "", goal="0",
            note=first_error.removeprefix("; "), headline=True),
        Row(NAME, f"{case}: p95 of every call", p95_all, "ms",
            goal=goal,
            note=f"p50 {percentile(samples, 50) * 1000:.0f} / "
            f"p99 {percentile(samples, 99) * 1000:.0f} ms over {len(samples)} calls",
            headline=True),
        Row(NAME, f"{case}: sandbox CPU", result["cpu"] / result["wall"] * 100, "% of a core",
            note=f"{result['cpu']:.1f} CPU-s; peak RSS {result['peak_mib']:.0f} MiB so far",
            headline=True),
        Row(NAME, f"{case}: sandbox CPU per flow", result["cpu"] / max(result["flows"], 1) * 1000,
            "ms", note="6 calls a flow; /proc of the sandbox process", headline=True),
    ]  # fmt: skip
    if result["overflows"] is not None:
        rows.append(
            Row(NAME, f"{case}: listen-queue overflows", float(result["overflows"]), "",
                note="kernel TcpExt ListenOverflows during the level (host-wide counter)")
        )  # fmt: skip
    for operation in OPERATIONS:
        values = result["per_op"].get(operation, [])
        if not values:
            continue
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
        rows.append(
            Row(NAME, f"{case}: {operation} p95", p95, "ms", goal=goal,
                note=f"p50 {p50:.0f} / p99 {p99:.0f} ms, n={len(values)}")
        )  # fmt: skip
    return rows


def profile_hot_path(flows: int, results: Path) -> list[Row]:
    """pyinstrument over the server side of ``flows`` logins, in this process, no sockets."""
    from pyinstrument import Profiler

    from sso_kit.sandbox import Sandbox

    with Sandbox(host="127.0.0.1", port=0, learners=2) as sb:
        user = sb.users["learner01"]
        client = WsgiClient(sb.app, sb.url, sb.start_url)
        client.full_flow(approve=(user.name, user.password, sb.admin_key))  # warm-up
        profiler = Profiler(interval=0.001)
        profiler.start()
        for _ in range(flows):
            client.full_flow(approve=(user.name, user.password, sb.admin_key))
        session = profiler.stop()
    results.mkdir(parents=True, exist_ok=True)
    (results / "capacity-profile.txt").write_text(
        profiler.output_text(unicode=False, color=False), "utf-8"
    )
    self_time: dict[str, float] = defaultdict(float)
    stack = [session.root_frame()]
    while stack:
        frame = stack.pop()
        if frame is None:
            continue
        stack.extend(frame.children)
        if frame.function.startswith("[") or _client_side(frame.file_path or ""):
            continue  # synthetic "[self]" frames are counted below, with their parent
        own = frame.time - sum(c.time for c in frame.children if not c.function.startswith("["))
        name = f"{frame.function} ({_short(frame.file_path or '?')})"
        if (frame.file_path or "").startswith("<") and frame.parent is not None:
            parent = frame.parent  # a built-in: say who called it
            name = f"{frame.function} ← {parent.function} ({_short(parent.file_path or '?')})"
        self_time[name] += own
    total = session.duration or 1.0
    top = sorted(self_time.items(), key=lambda kv: kv[1], reverse=True)[:5]
    rows = [
        Row(NAME, "profile: time per flow (server + test client)", total / flows * 1000, "ms",
            note=f"pyinstrument, {flows} flows through the WSGI app; full tree in "
            "capacity-profile.txt beside latest.json", headline=True),
    ]  # fmt: skip
    for rank, (where, seconds) in enumerate(top):
        share = seconds / total * 100
        rows.append(Row(NAME, f"profile top frame: `{where}`", share, "% self", headline=rank == 0))
    return rows


def _client_side(path: str) -> bool:
    """Frames of the load generator and werkzeug's test client, not of the server."""
    return "/benchmarks/" in path or path.endswith(("werkzeug/test.py", "bare_http.py"))


def _short(path: str) -> str:
    """``site-packages/moto/s3/models.py`` -> ``moto/s3/models.py``."""
    for marker in ("site-packages/", f"{REPO}/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name


def run(quick: bool, workdir: Path, *, results: Path | None = None) -> list[Row]:
    from sso_kit.sandbox import Sandbox

    # (learners, seconds over which they arrive): bursts, then one workshop minute
    levels = ((2, 0.0), (4, 0.0), (4, 1.0)) if quick else ((10, 0), (50, 0), (200, 0), (200, 60))
    rounds = 1 if quick else 2
    learners = max(n for n, _ in levels)
    state = workdir / "capacity" / "sandbox.json"
    sb = Sandbox.spawn(state_file=state, timeout=300, learners=learners, auto_approve=True)
    rows: list[Row] = []
    try:
        users = learners_of(sb)
        warm_up(sb, users[0])
        for n, ramp in levels:
            rows += level_rows(run_level(sb, users[:n], rounds, ramp))
    finally:
        sb.terminate()
    rows += profile_hot_path(3 if quick else 30, results or workdir)
    return rows
