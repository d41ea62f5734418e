"""``make bench``: run the benchmarks, print one Markdown table, write JSON and Markdown.

    .venv/bin/python benchmarks/run.py            # every benchmark but the suite (minutes)
    .venv/bin/python benchmarks/run.py --suite    # also time the test suite (slow)
    .venv/bin/python benchmarks/run.py --quick    # tiny sizes, to check the harness works
    .venv/bin/python benchmarks/run.py --only imports login
    .venv/bin/python benchmarks/run.py --only login --keep-others   # other rows carried over

Results go to benchmarks/results/latest.json and latest.md. Nothing here asserts on time:
goals are shown next to the numbers, as ratios measured within the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import REPO, Row, machine, markdown_table

# As `make bench` does (Makefile: unexport): with PYTHONDONTWRITEBYTECODE=1 inherited, every
# process a benchmark starts compiles botocore from source again, a cost no learner pays.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

#: name -> module; the order is the order of the table.
BENCHMARKS = {
    "install": "benchmarks.bench_install",
    "login": "benchmarks.bench_login",
    "tutorial": "benchmarks.bench_tutorial",
    "capacity": "benchmarks.bench_capacity",
    "servers": "benchmarks.bench_servers",
    "imports": "benchmarks.bench_imports",
    "workshop": "benchmarks.bench_workshop",
    "suite": "benchmarks.bench_suite",
}
DEFAULT_RESULTS = REPO / "benchmarks" / "results"


def run_one(name: str, quick: bool, workdir: Path, results: Path) -> list[Row]:
    """One benchmark's rows; a crash becomes one row saying so, the others still run."""
    module = importlib.import_module(BENCHMARKS[name])
    kwargs: dict[str, Any] = {}
    if name in ("capacity", "suite"):
        kwargs["results"] = results
    began = time.perf_counter()
    try:
        rows = list(module.run(quick, workdir, **kwargs))
    except Exception as exc:  # reported in the table, and in the exit code
        from sso_kit.errors import redact

        return [Row(module.NAME, "benchmark failed", None, "", note=redact(f"{exc!r}")[:300])]
    print(f"  {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    return rows


def write_results(rows: Sequence[Row], meta: dict[str, Any], results: Path) -> Path:
    """latest.json (rows + machine) and latest.md (the same as a table)."""
    results.mkdir(parents=True, exist_ok=True)
    document = {**meta, "rows": [row.as_dict() for row in rows]}
    (results / "latest.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    m = meta["machine"]
    headline = [row for row in rows if row.headline]
    text = (
        f"Taken {meta['finished']} on {m['nproc']} × {m['cpu']}, Python {m['python']} "
        f"(load average {m['loadavg_1m_at_start']} at start, {meta['loadavg_1m_at_end']} at "
        f"end){' — quick sizes' if meta['quick'] else ''}.\n\n"
        f"### Headline\n\n{markdown_table(headline)}\n\n"
        f"### Every row\n\n{markdown_table(rows)}\n"
    )
    (results / "latest.md").write_text(text, "utf-8")
    return results / "latest.md"


def carried_rows(results: Path, names: Sequence[str]) -> list[Row]:
    """The previous latest.json's rows of every benchmark not run now, marked as older."""
    try:
        previous = json.loads((results / "latest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    ran = {importlib.import_module(BENCHMARKS[n]).NAME for n in names}
    when = previous.get("finished", "an earlier run")
    rows = []
    for row in previous.get("rows", []):
        if row["benchmark"] not in ran:
            note = row.get("note", "")
            if not note.startswith("from the run of"):  # carried twice: keep the first date
                note = f"from the run of {when}" + (f"; {note}" if note else "")
            rows.append(Row(**{**row, "note": note}))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--suite", action="store_true", help="also time the test suite (slow)")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="just these")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="output folder")
    parser.add_argument(
        "--keep-others", action="store_true", help="carry the other benchmarks' previous rows"
    )
    args = parser.parse_args(argv)
    # the test suite is opt-in (slow); so is the fresh-clone install at --quick sizes (it
    # downloads every package cold, which no smoke test should do)
    names = args.only or [
        n
        for n in BENCHMARKS
        if (n != "suite" or args.suite) and not (n == "install" and args.quick)
    ]
    meta: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "quick": args.quick,
        "machine": machine(),
        "benchmarks": names,
    }
    workdir = Path(tempfile.mkdtemp(prefix="sso-kit-bench-"))
    carried = carried_rows(args.results, names) if args.keep_others else []
    rows: list[Row] = []
    try:
        for name in names:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            rows += run_one(name, args.quick, workdir, args.results)
            # written after each benchmark too, so a long run that is stopped leaves its rows
            meta["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
            write_results(rows + carried, {**meta, "finished": "(partial)"}, args.results)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    meta["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    path = write_results(rows + carried, meta, args.results)
    print(path.read_text("utf-8"))
    return 1 if any(r.case == "benchmark failed" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
