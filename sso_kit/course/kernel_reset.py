"""Make a used kernel look new to the next notebook: the tutorial batch's shared kernel.

``sso-kit tutorial run`` runs its notebooks in turn in one kernel, so the imports (boto3,
ipywidgets, the kit) and the kernel start are paid once. Before each notebook the runner calls
:func:`begin_notebook` in the kernel, silently. It puts back what a notebook may change and a
fresh kernel would not have: the user namespace (IPython's reset, which keeps ``sys.modules``
and starts the execution count at 1 again), the widgets, the kit's shared login states, the
environment variables, the working directory, ``sys.path``, the warning filters and the root
logger. A notebook therefore sees only what it defines itself, as when it runs alone.

Caches that already key on everything that can change their answer (``sso_kit.clients``)
are kept: that is the point of reusing the process.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

__all__ = ["begin_notebook"]


@dataclass
class _Baseline:
    """What the kernel looked like before its first notebook."""

    environ: dict[str, str]
    path: list[str]
    argv: list[str]
    filters: list[Any]
    root_level: int
    root_handlers: list[logging.Handler] = field(default_factory=list)


_baseline: _Baseline | None = None


def _take_baseline() -> _Baseline:
    root = logging.getLogger()
    return _Baseline(
        environ=dict(os.environ),
        path=list(sys.path),
        argv=list(sys.argv),
        filters=list(warnings.filters),
        root_level=root.level,
        root_handlers=list(root.handlers),
    )


def _restore(base: _Baseline) -> None:
    os.environ.clear()
    os.environ.update(base.environ)
    sys.path[:] = base.path
    sys.argv[:] = base.argv
    warnings.filters[:] = base.filters
    mutated = getattr(warnings, "_filters_mutated", None)  # "once" registries start over
    if mutated is not None:
        mutated()
    root = logging.getLogger()
    root.setLevel(base.root_level)
    root.handlers[:] = base.root_handlers


def begin_notebook(cwd: str, environ_file: str | None = None) -> None:
    """Reset this kernel for the next notebook, which runs in ``cwd``.

    The first call records the kernel's starting state; later calls restore it.
    ``environ_file`` (JSON, first call only) holds variables the kernel was started without
    because they were not known yet (the run's sandbox); they become part of that state.
    """
    global _baseline
    if environ_file is not None:
        with open(environ_file, encoding="utf-8") as file:
            os.environ.update(json.load(file))
    if _baseline is None:
        _baseline = _take_baseline()
    else:
        _restore(_baseline)
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].Widget.close_all()
    if "sso_kit.ui.session" in sys.modules:
        sys.modules["sso_kit.ui.session"].SessionState.forget_shared()
    os.chdir(cwd)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # the namespace, In/Out, and execution count 1
    # IPython's reset runs a full gc.collect(), which walks every object the kit and boto3 ever
    # loaded: some 60 ms at every reset, and in every full collection a cell triggers. Once the
    # notebook's own cycles are collected, what is left is in use; frozen, it is skipped by
    # later collections, which walk only what the next notebooks make.
    gc.collect()
    gc.freeze()
