"""CLI family ``sso-kit lab``: the sandbox and JupyterLab together (see :mod:`sso_kit.course.lab`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sso_kit.cli.options import add_command


def _cmd_lab(args: argparse.Namespace) -> int:
    """start the offline sandbox and JupyterLab on notebooks/ (Ctrl-C stops both)

    Start the offline IAM Identity Center sandbox and JupyterLab on the tutorial notebooks,
    both on 127.0.0.1. Prints the JupyterLab address (with its token) and the sandbox's
    sign-in details. Ctrl-C stops both.
    """

    from sso_kit.course.lab import DEFAULT_PORT, LabAlreadyRunningError, run_lab

    try:
        return run_lab(
            port=DEFAULT_PORT if args.port is None else args.port,
            sandbox_port=args.sandbox_port,
            public_url=args.public_url,
            notebook_dir=args.notebook_dir,
            open_browser=not args.no_browser,
        )
    except LabAlreadyRunningError as exc:  # not a failure: the learner's lab is up
        print(exc)
        return 0


def register(subparsers: Any) -> None:
    """Add ``sso-kit lab`` to the CLI."""
    p = add_command(subparsers, "lab", _cmd_lab)
    p.add_argument(
        "--port",
        type=int,
        default=None,  # run_lab's default; the course package loads only when lab runs
        help="JupyterLab port (default 8888; a free one if busy; 0 = any free port)",
    )
    p.add_argument(
        "--sandbox-port", type=int, default=0, help="sandbox port (default: any free port)"
    )
    p.add_argument(
        "--public-url",
        default=None,
        help="where browsers reach the sandbox pages (default: detected; JupyterHub: "
        "<prefix>proxy/<port>/)",
    )
    p.add_argument("--notebook-dir", type=Path, default=None, help="folder with the notebooks")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
