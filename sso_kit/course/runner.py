"""Run the whole tutorial headless with papermill: every notebook in order, one parameter set.

By default the run is isolated: a temporary HOME (so ``~/.aws/config`` and the SSO caches are
throw-away) and an auto-approving sandbox of its own, so CI and instructors never touch their
real configuration. Executed notebooks land in ``output_dir``; the result is one
:class:`StepResult` per notebook. The run stops at the first failing step, because every later
step depends on the files the earlier ones wrote.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sso_kit.course.kernels import CELL_TIMEOUT, KERNEL_NAME, KernelPool, SharedKernel
from sso_kit.errors import SsoKitError, redact

__all__ = [
    "NOTEBOOKS_DIR",
    "StepResult",
    "TutorialFailed",
    "build_notebooks",
    "notebook_paths",
    "read_notebook",
    "run_tutorial",
]

#: The notebooks folder of a source checkout (the kit is used from a clone, see README).
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
# The notebooks' reviewed source: MyST Markdown text notebooks (jupytext). The .ipynb files
# papermill, nbval and Binder need are produced from them and never tracked.
SOURCE_SUFFIX = ".md"

#: How the notebooks get their kernel. ``shared``: one kernel runs them in turn, reset before
#: each (:mod:`sso_kit.course.kernel_reset`), so start-up and imports are paid once.
#: ``per-notebook``: a kernel of its own for each, the next one started and warmed while the
#: current notebook runs (the benchmark's side-by-side "before").
KERNEL_MODES = ("shared", "per-notebook")
#: False: in ``per-notebook`` mode, papermill starts each kernel itself, in turn
PREWARM_KERNELS = True


class TutorialFailed(SsoKitError):
    """A tutorial step failed; the message names the notebook and the cell."""

    exit_code = 1


@dataclass
class StepResult:
    """The outcome of one notebook: ``status`` is ``ok``, ``failed`` or ``skipped``."""

    step: str
    status: str
    seconds: float
    output: Path | None = None
    error: str | None = None


def notebook_paths(
    notebooks: Sequence[str] | None = None, folder: Path = NOTEBOOKS_DIR
) -> list[Path]:
    """The step notebooks in file order, or the ones named (by stem, prefix or path)."""
    if not folder.is_dir():
        raise SsoKitError(
            f"The notebooks folder {folder} does not exist.",
            hint="Run this from a clone of sso-kit (git clone …; make batch).",
        )
    every = sorted(p for p in folder.glob(f"[0-9][0-9]_*{SOURCE_SUFFIX}"))
    if not notebooks:
        return every
    chosen: list[Path] = []
    for name in notebooks:
        matches = [p for p in every if p.name == name or p.stem == name or p.stem[:2] == name]
        if not matches and Path(name).is_file():
            matches = [Path(name).resolve()]
        if not matches:
            known = ", ".join(p.stem for p in every)
            raise SsoKitError(
                f"No tutorial notebook named {name!r}.", hint=f"Choose from: {known}."
            )
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def read_notebook(path: Path) -> Any:
    """A notebook as nbformat reads it, from a text source (jupytext) or an ``.ipynb``."""
    import jupytext

    return jupytext.read(path)


def build_notebooks(dest: str | os.PathLike[str], folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Write ``dest/NN_name.ipynb`` for every text notebook in ``folder`` (no outputs).

    ``sso-kit tutorial build`` and ``make notebooks`` call this; the test suite builds the
    copies nbval runs the same way.
    """
    import nbformat

    out = Path(dest)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in notebook_paths(folder=folder):
        target = out / f"{source.stem}.ipynb"
        nbformat.write(read_notebook(source), target)
        written.append(target)
    return written


@contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables; the kernels inherit them.

    ``mock.patch.dict`` puts the whole environment back afterwards, whatever happened.
    """
    from unittest import mock

    with mock.patch.dict(os.environ):
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield


def isolated_home_env(home: Path) -> dict[str, str | None]:
    """Environment for a throw-away HOME: AWS_* variables cleared, config inside ``home``."""
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("AWS_")}
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _carry_aws_versions(home: Path) -> None:
    """What this HOME's ``aws --version`` answers were, for the run's own HOME.

    The run asks every ``aws`` on PATH (steps 00 and 04, doctor), a second or more of CPU
    each; the caller's ``~/.sso-kit`` usually knows them already. Each answer names the program
    file it came from (:mod:`sso_kit.aws_version`), so a CLI installed or updated since is
    asked again. A run HOME that has answers of its own keeps them.
    """
    from sso_kit.aws_version import cache_path
    from sso_kit.files import atomic_write

    target = home / ".sso-kit" / cache_path().name
    try:
        if target.exists():
            return
        known = cache_path().read_bytes()
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(target, known, 0o644, durable=False)
    except OSError:
        pass  # nothing known, or nowhere to put it: the run asks, as it would have


def _ask_aws_versions(started: threading.Event) -> None:
    """Run the ``aws --version`` probes the notebooks make (00, 04, doctor) ahead of them.

    Each CLI takes a second or more to answer; :mod:`sso_kit.aws_version` keeps the answers
    in the run's kit home, so asking while the kernel starts takes them off the notebooks'
    path. The notebooks still ask, and see the same answers. The kit's own ``aws`` (step 00's
    report) is asked at once; the ones on PATH (step 04's list) once the run has ``started``,
    so they do not compete with the kernel and the sandbox for the CPU while those start.
    """
    from sso_kit.course.awscli import find_all, version_line
    from sso_kit.course.setup import aws_cli

    own = aws_cli()
    if own is not None:
        version_line(own)
    started.wait()
    find_all()  # the answer for ``own`` is kept by now


@contextmanager
def _aws_versions_asked_meanwhile() -> Iterator[threading.Event]:
    """:func:`_ask_aws_versions` on a thread while the body runs; joined before leaving, so
    nothing is written after the run's environment (its HOME) is gone. The body sets the
    event it is given once the kernel and the sandbox are up."""
    started = threading.Event()
    asking = threading.Thread(
        target=_ask_aws_versions, args=(started,), name="aws-versions", daemon=True
    )
    asking.start()
    try:
        yield started
    finally:
        started.set()
        asking.join()


@contextmanager
def _loaded_code_frozen() -> Iterator[None]:
    """What this process holds so far (papermill, moto, the sandbox's state), left out of the
    cycle collector's walks while the notebooks run, and handed back to it afterwards.

    The sandbox answers the notebooks' calls in this process, and each full collection would
    walk moto's and botocore's models again: 0.35 s of the run's 0.5 s of collecting. A
    caller that froze objects itself keeps its own arrangement.
    """
    import gc

    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _import_papermill() -> Any:
    """papermill, imported without jsonschema's ``iri`` format checker
    (:mod:`sso_kit.lean_imports`: papermill imports nbformat, nbformat jsonschema)."""
    from sso_kit.lean_imports import without_iri_checker

    with without_iri_checker():
        import papermill
    return papermill


def _describe_failure(nb: Path, exc: BaseException) -> str:
    cell = getattr(exc, "cell_index", None)
    count = getattr(exc, "exec_count", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {cell} of the executed notebook" if cell is not None else "a cell"
    if count is not None:
        where += f" (In [{count}])"
    return redact(f"{nb.name} failed at {where}: {ename}: {evalue}")


def format_summary(results: Sequence[StepResult]) -> str:
    """The summary table: step, status, seconds."""
    width = max([len("step"), *(len(r.step) for r in results)])
    lines = [f"{'step':<{width}}  {'status':<7}  {'seconds':>7}", "-" * (width + 18)]
    lines += [f"{r.step:<{width}}  {r.status:<7}  {r.seconds:>7.1f}" for r in results]
    return "\n".join(lines)


def run_tutorial(
    output_dir: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    notebooks: Sequence[str] | None = None,
    *,
    isolated: bool = True,
    home: str | os.PathLike[str] | None = None,
    sandbox_url: str | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
    kernel: str = "shared",
) -> list[StepResult]:
    """Execute the notebooks in order; return one StepResult each (failed steps included).

    ``isolated`` uses a temporary HOME (or ``home`` if given, which is kept afterwards);
    ``isolated=False`` uses the caller's real HOME and config. Unless ``sandbox_url`` is given
    or the parameters say ``use_sandbox=False``, an auto-approving sandbox is started for the
    run and stopped afterwards. ``kernel`` is one of :data:`KERNEL_MODES`.
    """
    if kernel not in KERNEL_MODES:
        raise SsoKitError(
            f"Unknown kernel mode {kernel!r}.", hint=f"Choose from: {', '.join(KERNEL_MODES)}."
        )
    from tqdm.auto import tqdm

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = notebook_paths(notebooks)
    params = dict(parameters or {})
    params.setdefault("interactive", False)
    env: dict[str, str | None] = {"SSO_KIT_HEADLESS": "1"}

    temp = None
    if isolated:
        if home is None:
            temp = tempfile.mkdtemp(prefix="sso-kit-home-")
            home = temp
        _carry_aws_versions(Path(home))
        env.update(isolated_home_env(Path(home)))
    env["SSO_KIT_SANDBOX_URL"] = sandbox_url  # None: unset for the run, restored afterwards
    env["SSO_KIT_SANDBOX_ADMIN_KEY"] = None  # the kernels' admin calls need the secret
    if sandbox_url:
        from sso_kit.sandbox import Sandbox

        env["SSO_KIT_SANDBOX_ADMIN_KEY"] = Sandbox.admin_key_for(sandbox_url)
    own_sandbox = not sandbox_url and params.get("use_sandbox", True)

    results: list[StepResult] = []
    bar = tqdm(total=len(paths), desc="tutorial", unit="step", disable=not progress, file=stream)
    pool: KernelPool | None = None
    shared: SharedKernel | None = None
    try:
        with _environment(env), _aws_versions_asked_meanwhile() as started, ExitStack() as stack:
            one_folder = len({p.parent for p in paths}) == 1
            # the kernels inherit the environment set so far
            if kernel == "shared" and KernelPool.usable():
                shared = SharedKernel(paths[0].parent)

            def start() -> Any:
                """The run's sandbox, papermill and jupytext imported: while the kernel boots."""
                _import_papermill()
                import jupytext  # noqa: F401  # read_notebook's

                if not own_sandbox:
                    return None
                from sso_kit.sandbox import Sandbox

                return stack.enter_context(Sandbox(host="127.0.0.1", port=0, auto_approve=True))

            sandbox = shared.meanwhile(start) if shared is not None else start()
            stack.enter_context(_loaded_code_frozen())
            started.set()
            if sandbox is not None:
                late = {"SSO_KIT_SANDBOX_URL": sandbox.url}
                late["SSO_KIT_SANDBOX_ADMIN_KEY"] = sandbox.admin_key
                os.environ.update(late)
                if shared is not None:
                    shared.add_environment(late)
            many = len(paths) > 1 and one_folder
            if kernel == "per-notebook" and PREWARM_KERNELS and many and KernelPool.usable():
                pool = KernelPool(paths[0].parent)
            _run_steps(paths, out, params, shared, pool, bar, results)
            # the sandbox stops (a wait, mostly) on a thread while the kernels shut down
            _close_kernels(pool, shared, meanwhile=stack.close)
            pool = shared = None
    finally:
        bar.close()
        _close_kernels(pool, shared)  # every kernel down before the temporary HOME goes
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    return results


def _close_kernels(
    *kernels: KernelPool | SharedKernel | None, meanwhile: Callable[[], Any] | None = None
) -> None:
    """Stop every kernel of the run and wait until each is down; ``meanwhile()`` runs on a
    thread as they shut down (or before, if there is no kernel)."""
    running = [k for k in kernels if k is not None]
    if not running and meanwhile is not None:
        meanwhile()
    for index, each in enumerate(running):
        each.close(meanwhile=meanwhile if index == 0 else None)


def _run_steps(
    paths: Sequence[Path],
    out: Path,
    params: Mapping[str, Any],
    shared: SharedKernel | None,
    pool: KernelPool | None,
    bar: Any,
    results: list[StepResult],
) -> None:
    """Execute each notebook with papermill, appending its result; after a failure the rest
    are skipped. The notebooks are read ahead on a thread, so jupytext's first read (loading
    its parsers) overlaps the kernel's reset."""
    pm = _import_papermill()
    reader = ThreadPoolExecutor(1, thread_name_prefix="notebook-reader")
    sources = [reader.submit(read_notebook, nb) for nb in paths]
    try:
        failed = False
        for index, nb in enumerate(paths):
            if failed:
                results.append(StepResult(nb.stem, "skipped", 0.0))
                continue
            bar.set_postfix_str(nb.stem)
            more = index + 1 < len(paths)
            results.append(_run_one(pm, nb, sources[index], out, params, shared, pool, more))
            failed = results[-1].status == "failed"
            bar.update(1)
    finally:
        reader.shutdown(cancel_futures=True)


def _run_one(
    pm: Any,
    nb: Path,
    source: Future[Any],
    out: Path,
    params: Mapping[str, Any],
    shared: SharedKernel | None,
    pool: KernelPool | None,
    more: bool,
) -> StepResult:
    """One notebook through papermill, on the shared kernel or the pool's next one."""
    target = out / f"{nb.stem}.ipynb"
    began = time.monotonic()
    lent: dict[str, Any] = {}
    try:
        if shared is not None:
            lent["km"] = shared.take(nb.parent)
        elif pool is not None:
            lent["km"] = pool.take(more=more)
        pm.execute_notebook(
            source.result(),
            str(target),
            parameters=dict(params),
            kernel_name=KERNEL_NAME,
            cwd=str(nb.parent),
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
            log_output=False,
            # written once at the end (and at a failing cell), not at each cell's start and
            # end: every write validates the whole notebook
            request_save_on_cell_execute=False,
            **lent,
        )
        return StepResult(nb.stem, "ok", time.monotonic() - began, target)
    except Exception as exc:  # papermill's error, a kernel crash, a timeout, an unreadable file
        seconds = time.monotonic() - began
        return StepResult(nb.stem, "failed", seconds, target, _describe_failure(nb, exc))
    finally:
        if pool is not None and "km" in lent:
            pool.give_back(lent["km"])


def main_run(args: Any, stream: TextIO = sys.stdout) -> int:
    """The ``sso-kit tutorial run`` handler: run, print the table, fail naming the step."""
    params = dict(_parse_value(v) for v in (args.parameter or []))
    results = run_tutorial(
        args.output_dir,
        params,
        args.notebooks or None,
        isolated=not args.use_my_home,
        home=args.home,
        sandbox_url=args.sandbox_url,
        progress=not args.no_progress,
        kernel=args.kernel,
    )
    print(format_summary(results), file=stream)
    print(f"Executed notebooks are in {Path(args.output_dir).resolve()}", file=stream)
    bad = [r for r in results if r.status == "failed"]
    if bad:
        raise TutorialFailed(
            f"Step {bad[0].step} failed: {bad[0].error}",
            hint=f"Open {bad[0].output} to see the error cell, fix it, and run again.",
        )
    return 0


def _parse_value(pair: Sequence[str]) -> tuple[str, Any]:
    """``-p NAME VALUE``: numbers, True/False/None like papermill's ``-p``; else a string.

    Digits with a leading zero stay a string: they are account ids (``012345678901``), which
    Python cannot read as an int and which would lose the zero if it could.
    """
    import ast

    name, raw = pair
    digits = raw.lstrip("-")
    if digits[:1] == "0" and digits[1:2].isdigit():
        return name, raw
    if raw in {"True", "False", "None"} or digits.replace(".", "", 1).isdigit():
        return name, ast.literal_eval(raw)
    return name, raw
