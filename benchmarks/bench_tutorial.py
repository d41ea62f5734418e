"""Benchmark 2: the whole tutorial headless, per notebook and in total, kernel start-up apart.

The tutorial runs exactly as an instructor would run it: ``sso-kit tutorial run`` as a process
(its own temporary HOME and auto-approving sandbox), per-notebook seconds read from the summary
table it prints. By default the run uses one kernel for every notebook, reset before each.
Kernel start-up is timed separately by sending a one-cell notebook through papermill.

Side by side in the same run (full sizes only), ``--kernel per-notebook`` (a kernel of its own
for each notebook, the next one pre-warmed while the current one runs: the runner before the
shared kernel) gives the "before" total the ratio is taken against. Both runs also report the
CPU seconds they used (the command and its kernels), which a loaded machine distorts less.
"""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import VENV_BIN, Row, home_env, ratio

NAME = "tutorial"
GOAL_SECONDS = 15.0
SUMMARY_LINE = re.compile(r"^(?P<step>\d\d_\S+)\s+(?P<status>ok|failed|skipped)\s+(?P<s>[\d.]+)$")


def kernel_startup_seconds(workdir: Path, runs: int) -> float:
    """Median wall time of papermill on a notebook whose only cell is ``pass``."""
    import nbformat
    import papermill as pm

    source = workdir / "empty.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("pass"))
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, source)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        pm.execute_notebook(
            str(source), str(workdir / "empty-out.ipynb"), kernel_name="python3",
            progress_bar=False, log_output=False,
        )  # fmt: skip
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def parse_summary(text: str) -> list[tuple[str, str, float]]:
    """(step, status, seconds) from ``sso-kit tutorial run``'s summary table."""
    rows = []
    for line in text.splitlines():
        match = SUMMARY_LINE.match(line.strip())
        if match:
            rows.append((match["step"], match["status"], float(match["s"])))
    return rows


def slowest_cells(folder: Path, count: int = 3) -> list[tuple[float, str, int, str]]:
    """(seconds, notebook, cell index, first source line) of the slowest executed cells,
    from the per-cell durations papermill records in each output notebook."""
    import nbformat

    cells = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
            if cell.cell_type == "code" and duration:
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                cells.append((float(duration), path.stem, index, first.strip()[:60]))
    return sorted(cells, reverse=True)[:count]


def phases(folder: Path, began: float, ended: float) -> list[tuple[str, float]]:
    """Where a run's wall time went, from papermill's timestamps in the executed notebooks:
    start-up (process start to the first notebook's start), the cells, everything between
    cells (papermill's own work and the kernel resets), and the end (the last notebook's end to
    the process's exit). ``began`` and ``ended`` are the process's ``time.time()`` bounds."""
    from datetime import datetime

    import nbformat

    starts, ends, cells = [], [], 0.0
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        meta = notebook.metadata.get("papermill", {})
        if meta.get("start_time") and meta.get("end_time"):
            starts.append(datetime.fromisoformat(meta["start_time"]).timestamp())
            ends.append(datetime.fromisoformat(meta["end_time"]).timestamp())
        for cell in notebook.cells:
            cells += float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0)
    if not starts:
        return []
    first, last = min(starts), max(ends)
    return [
        ("start-up: process start to the first notebook", first - began),
        ("cells (sum of papermill's cell durations)", cells),
        ("between cells: papermill and the kernel resets", last - first - cells),
        ("end: the last notebook to the process's exit", ended - last),
    ]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_command(
    args: list[str], home: Path
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """``sso-kit ARGS`` as a process: its result, wall seconds and CPU seconds (kernels too)."""
    cpu, began = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "sso-kit"), *args], env=home_env(home), capture_output=True, text=True,
        timeout=1800,
    )  # fmt: skip
    return done, time.perf_counter() - began, _children_cpu() - cpu


def run(quick: bool, workdir: Path) -> list[Row]:
    kernel = kernel_startup_seconds(workdir, 1 if quick else 3)
    rows = [
        Row(NAME, "kernel start-up (papermill, one `pass` cell)", kernel, "s",
            note="paid once with the shared kernel", headline=True),
    ]  # fmt: skip
    out = Path(tempfile.mkdtemp(prefix="tutorial-", dir=workdir))
    args = ["tutorial", "run", "--no-progress"] + (["--notebooks", "00"] if quick else [])
    before = before_cpu = None
    if not quick:
        old, seconds, cpu = run_command(
            [*args, "--kernel", "per-notebook", "--output-dir", str(out / "nb-before")],
            out / "home-before",
        )
        if old.returncode == 0:
            before, before_cpu = seconds, cpu
    began = time.time()
    done, wall, cpu = run_command([*args, "--output-dir", str(out / "nb")], out / "home")
    ended = time.time()
    steps = parse_summary(done.stdout)
    for step, status, seconds in steps:
        rows.append(
            Row(NAME, f"notebook {step}", seconds, "s", note="" if status == "ok" else status)
        )
    if done.returncode != 0 or not steps:
        error = (done.stderr.strip() or done.stdout.strip())[-300:]
        rows.append(Row(NAME, "total (`sso-kit tutorial run`, process wall)", None, "s",
                        goal=f"≤ {GOAL_SECONDS:.0f} s", note=f"failed: {error}"))  # fmt: skip
        return rows
    notebooks = sum(s for _, _, s in steps)
    rows += [
        Row(NAME, f"sum of {len(steps)} notebooks", notebooks, "s",
            note="one kernel, reset before each notebook"),
        Row(NAME, "total (`sso-kit tutorial run`, process wall)", wall, "s",
            wall / GOAL_SECONDS, f"≤ {GOAL_SECONDS:.0f} s",
            note="ratio is to the goal; includes its own sandbox start; one shared kernel",
            headline=True),
        Row(NAME, "CPU (`sso-kit tutorial run` and its kernel)", cpu, "s"),
    ]  # fmt: skip
    if not quick:
        failed = "" if before else "failed"
        rows += [
            Row(NAME, "before: the same run, `--kernel per-notebook` (pre-warmed)", before, "s",
                ratio(before, wall), note=failed or "ratio: how much longer than the shared "
                "kernel's run (same machine, just before it)", headline=True),
            Row(NAME, "before: CPU (`--kernel per-notebook` and its kernels)", before_cpu, "s",
                ratio(before_cpu, cpu), note=failed or "ratio: to the shared kernel's CPU"),
        ]  # fmt: skip
    for label, seconds in phases(out / "nb", began, ended):
        rows.append(Row(NAME, f"phase: {label}", seconds, "s"))
    for rank, (seconds, step, index, first) in enumerate(slowest_cells(out / "nb")):
        rows.append(Row(NAME, f"slowest cell: {step} #{index}", seconds, "s",
                        note=f"`{first.replace('`', '')}`", headline=rank == 0))  # fmt: skip
    return rows
