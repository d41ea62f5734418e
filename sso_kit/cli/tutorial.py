"""CLI family ``sso-kit tutorial run|build``: the papermill batch runner and the .ipynb builder."""

from __future__ import annotations

import argparse
from typing import Any

from sso_kit.cli.options import add_command

#: ``course.runner.KERNEL_MODES``, spelt out: importing the runner to build the parser would load
#: boto3 and the course for every command (a test keeps the two the same)
KERNEL_MODES = ("shared", "per-notebook")


def _run(args: argparse.Namespace) -> int:
    """run every step notebook in order and print a summary table

    Run the tutorial notebooks in order with papermill (headless: SSO_KIT_HEADLESS=1). By
    default the run uses a temporary HOME and AWS config and an auto-approving sandbox of
    its own, so your real ~/.aws is never touched.
    """

    import atexit
    import gc

    from sso_kit.course.runner import main_run

    # At the exit, what the run loaded (papermill, moto, boto3) is frozen out of the collector:
    # the interpreter's last collections would walk it all again (0.5 s) just to free memory
    # the process is giving back. Files are flushed and closed before (the run uses ``with``).
    atexit.register(gc.freeze)
    return main_run(args)


def _build(args: argparse.Namespace) -> int:
    """write .ipynb copies of the text notebooks (for nbval, Binder or sharing)

    The notebooks' source is MyST Markdown (notebooks/*.md, opened as notebooks in
    JupyterLab through jupytext). This writes an .ipynb copy of each, without outputs.
    """

    from sso_kit.course.runner import build_notebooks

    for path in build_notebooks(args.output_dir):
        print(path)
    return 0


def register(subparsers: Any) -> None:
    """Add ``tutorial run`` to the ``sso-kit`` parser."""
    tutorial = subparsers.add_parser(
        "tutorial", help="run the tutorial notebooks headless (papermill)"
    )
    sub = tutorial.add_subparsers(dest="tutorial_command", metavar="ACTION")
    run = add_command(sub, "run", _run)
    run.add_argument(
        "--output-dir", default="out/batch", help="where executed notebooks go (created)"
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a notebook parameter for every step, e.g. -p profile my-tutorial",
    )
    run.add_argument(
        "--notebooks", nargs="+", metavar="NAME", help="only these steps (e.g. 00 05 06)"
    )
    run.add_argument(
        "--use-my-home",
        action="store_true",
        help="use your real HOME and ~/.aws/config instead of a temporary one",
    )
    run.add_argument("--home", help="use this folder as the isolated HOME (kept afterwards)")
    run.add_argument("--sandbox-url", help="use this running sandbox instead of starting one")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--kernel",
        choices=KERNEL_MODES,
        default=KERNEL_MODES[0],
        help="shared (default): one kernel runs the notebooks in turn, its namespace reset "
        "before each, so imports are paid once; per-notebook: a new kernel for each",
    )
    build = add_command(sub, "build", _build)
    build.add_argument("--output-dir", default="build/notebooks", help="where to write them")
    tutorial.set_defaults(func=lambda _args: tutorial.print_help() or 2)
