"""What every benchmark shares: result rows, the table, percentiles, process stats, HOME.

Rows are plain data so run.py can write them as JSON and Markdown and the smoke test can check
their shape without caring about the numbers.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Row:
    """One line of the results table; ``value`` is None when a case could not run."""

    benchmark: str
    case: str
    value: float | None
    unit: str
    ratio: float | None = None  # to the row the benchmark names as its baseline
    goal: str = ""
    note: str = ""
    headline: bool = False  # also shown in the short table (README)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def median_of(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    """Run ``fn`` ``runs`` times; the median wall time in seconds and every sample."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), samples


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p99 is a real sample)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base


def home_env(home: Path) -> dict[str, str]:
    """A full environment for a child process whose HOME and AWS config live in ``home``.

    Benchmarks never read or write the real ~/.aws. The work that touches AWS files runs in
    child processes because botocore fixes its SSO token cache folder from HOME when it is
    first imported, so changing HOME inside a process that already imported it has no effect.
    """
    from sso_kit.course.runner import isolated_home_env

    env = dict(os.environ)
    for key, value in isolated_home_env(home).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MiB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def machine() -> dict[str, Any]:
    """What the numbers were taken on, for the README."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (math.nan,) * 3
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "loadavg_1m_at_start": round(load[0], 2),
    }


def markdown_table(rows: Sequence[Row]) -> str:
    """The results as one GitHub Markdown table."""
    lines = [
        "| benchmark | case | value | ratio | goal | note |",
        "| --- | --- | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        value = "n/a" if row.value is None else f"{_fmt(row.value)} {row.unit}".strip()
        ratio_text = "" if row.ratio is None else f"{row.ratio:.2f}×"
        note = row.note.replace("|", "\\|")
        lines.append(
            f"| {row.benchmark} | {row.case} | {value} | {ratio_text} | {row.goal} | {note} |"
        )
    return "\n".join(lines)


def _fmt(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listen queue was full.

    (TcpExt ListenOverflows, for the whole network namespace; None where /proc lacks it.) A
    burst of connects larger than the server's listen backlog shows up here, and as clients
    retrying their SYN after 1, 3, 7 s.
    """
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table["ListenOverflows"]) if "ListenOverflows" in table else None
    return None
