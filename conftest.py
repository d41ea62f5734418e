"""nbval set-up for the tutorial notebooks (``make test`` runs them with --nbval-lax).

The notebooks' source is text (``notebooks/*.md``, MyST via jupytext); nbval collects
``.ipynb`` only, so the session first writes fresh copies to ``build/notebooks/`` (never
tracked), which ``make test`` runs beside ``tests/``. Only the controlling process builds
them (xdist workers start after ``pytest_configure`` has run here), and only when the run
collects them.

Fixtures do not run for nbval items, so this uses hooks: the first notebook item starts an
auto-approving sandbox (a process of its own) on a free loopback port and a temporary HOME; the environment the
kernels inherit (HOME, AWS_CONFIG_FILE, SSO_KIT_HEADLESS=1, SSO_KIT_SANDBOX_URL) is set only
while notebook items run, so other tests never see it. Notebooks share one HOME because each
step reads the files the previous one wrote; they run in file order, all on one xdist worker
(``make test`` runs ``-n auto --dist loadgroup``), while the other worker runs other tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

_state: dict[str, Any] = {}
BUILT_NOTEBOOKS = Path(__file__).resolve().parent / "build" / "notebooks"


def pytest_configure(config: pytest.Config) -> None:
    """Write build/notebooks/*.ipynb from the text sources before collection."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller built them
        return
    if not any(_under(arg, BUILT_NOTEBOOKS) for arg in config.args):
        return  # e.g. plain `pytest` (testpaths is tests/): nothing will read them
    from sso_kit.course.runner import build_notebooks

    shutil.rmtree(BUILT_NOTEBOOKS, ignore_errors=True)
    build_notebooks(BUILT_NOTEBOOKS)


def _under(arg: str, folder: Path) -> bool:
    path = Path(arg.split("::")[0]).resolve()
    return path == folder or folder in path.parents


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the mark into a group
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every notebook cell on one xdist worker, in file order: each notebook reads what the
    one before it wrote in the shared HOME. Tests sharing a module-scoped fixture (a crash-trial
    run, a workshop) on one worker too, so it is set up once, not once per worker that got one
    of them. (Groups hold with pytest below 9.2: tests/unit/test_xdist_groups.py.)"""
    for item in items:
        if _is_notebook(item):
            item.add_marker(pytest.mark.xdist_group("notebooks"))
        elif _uses_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    # the long tests first (marked slow; the longest, LONGEST_FIRST, before those), then the
    # notebooks, the rest in collection order: the workers then fill their last minutes with
    # short tests, not one long one (`make test` keeps this order: --no-loadscope-reorder)
    items.sort(key=_start_order)


#: The tests that take longest (a minute or so each on 2 cores), longest first.
LONGEST_FIRST = (
    "tests/e2e/test_e2e_learner_journey.py",
    "tests/unit/benchmarks/test_benchmarks_quick.py",
    "tests/e2e/test_e2e_notebooks_open_clean.py",
    "tests/hub/",
    "tests/e2e/",
    "tests/integration/safety/test_safety_crash_trials.py",
)


def _start_order(item: pytest.Item) -> tuple[int, int]:
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return 0, rank
    if item.get_closest_marker("slow"):
        return 1, 0
    return (2, 0) if _is_notebook(item) else (3, 0)


def _uses_a_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.values() if info is not None else ()
    return any(d and d[-1].scope in ("module", "class") for d in defs)


def _is_notebook(item: pytest.Item) -> bool:
    return str(getattr(item, "fspath", "")).endswith(".ipynb")


def _kernel_environment() -> dict[str, str | None]:
    from sso_kit.course.runner import isolated_home_env

    if "sandbox" not in _state:
        from sso_kit.sandbox import Sandbox

        home = Path(tempfile.mkdtemp(prefix="sso-kit-nbval-home-"))
        _state["home"] = home
        # a process of its own: moto's state is per process, and this worker's other tests
        # have sandboxes (and buckets) of their own in this one
        _state["sandbox"] = Sandbox.spawn(
            state_file=home / "sandbox-state" / "sandbox.json", auto_approve=True
        )
    env = isolated_home_env(_state["home"])
    env.update(SSO_KIT_HEADLESS="1", **_state["sandbox"].environment())
    return env


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a notebook's kernel starts (nbval starts it in the first cell's setup)."""
    if not _is_notebook(item):
        return
    env = _kernel_environment()
    _state["saved"] = {key: os.environ.get(key) for key in env}
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Give the rest of the test session its own environment back."""
    saved = _state.pop("saved", None)
    if not _is_notebook(item) or saved is None:
        return
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the sandbox and delete the temporary HOME."""
    sandbox = _state.pop("sandbox", None)
    if sandbox is not None:
        sandbox.terminate()
    home = _state.pop("home", None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)

