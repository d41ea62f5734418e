"""CLI: ``sso-kit awscli install|status`` and ``sso-kit env`` (the terminal's environment).

Why: the learner types ``aws configure sso`` and ``aws sso login`` in a terminal, so the kit
must put a real CLI v2 there and route it to the sandbox with no endpoint flags. Standard
library only at import time.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError


def _cmd_install(args: argparse.Namespace) -> int:
    from sso_kit.course.awscli import ensure_installed, install

    run = install if args.force else ensure_installed
    run(args.source, progress=lambda line: print(line, flush=True))
    print(
        'Put it on your PATH: eval "$(sso-kit env)"  (JupyterLab terminals of `make lab` '
        "already have it)."
    )
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from sso_kit.course.awscli import MIN_SANDBOX_VERSION, find_all, preferred

    found = find_all()
    if args.json:
        print(
            json.dumps(
                [{**c.__dict__, "usable": c.usable, "verdict": c.verdict} for c in found], indent=2
            )
        )
        return 0 if any(c.usable for c in found) else 9
    if not found:
        print("No `aws` command found on PATH.")
    for cli in found:
        print(cli.describe())
    best = preferred()
    minimum = ".".join(map(str, MIN_SANDBOX_VERSION))
    if best is None:
        print(
            f"\nNo AWS CLI v2 {minimum} or newer. Install one: `sso-kit awscli install` "
            "(or --from a wheel/sdist), AWS's installer, Homebrew or conda-forge `awscli`."
        )
        return 9
    print(f"\nThe kit uses: {best.path}")
    return 0


def sandbox_url_for_terminal() -> str | None:
    """The running sandbox's URL: ``SSO_KIT_SANDBOX_URL``, else ``~/.sso-kit/sandbox.json``."""
    url = os.environ.get("SSO_KIT_SANDBOX_URL", "").strip()
    if url:
        return url
    from sso_kit.sandbox import state_file_path

    try:
        data = json.loads(state_file_path().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return str(data.get("url") or "") or None if isinstance(data, dict) else None


def _terminal_env(args: argparse.Namespace) -> dict[str, str]:
    from sso_kit.course.awscli import terminal_environment

    url = None if args.real_aws else (args.sandbox_url or sandbox_url_for_terminal())
    if url is None and not args.real_aws:
        raise SandboxError(
            "No running sandbox found (no SSO_KIT_SANDBOX_URL, no ~/.sso-kit/sandbox.json).",
            hint="Start one with `make lab` or `sso-kit sandbox`, or pass --real-aws to use AWS.",
        )
    return terminal_environment(os.environ, sandbox_url=url)


def _cmd_env(args: argparse.Namespace) -> int:
    env = _terminal_env(args)
    if args.shell:
        return _exec_shell(env)
    names = ["PATH", "AWS_PAGER", "AWS_ENDPOINT_URL", "SSO_KIT_SANDBOX_URL"]
    for name in names:
        if name in env:
            print(f"export {name}={shlex.quote(env[name])}")
        elif name == "AWS_ENDPOINT_URL":
            print("unset AWS_ENDPOINT_URL")
    return 0


def _exec_shell(env: dict[str, str]) -> int:
    """Replace this process with an interactive shell that has ``env`` (a lab terminal)."""
    shell = os.environ.get("SHELL") or "/bin/bash"
    if not Path(shell).exists():
        shell = "/bin/sh"
    url = env.get("AWS_ENDPOINT_URL")
    where = f"the offline sandbox at {url}" if url else "real AWS"
    print(
        f"sso-kit terminal: the kit's aws and sso-kit come first on PATH; AWS CLI calls go to "
        f"{where}. Try: aws --version; sso-kit status",
        flush=True,
    )
    os.execvpe(shell, [shell, "-i"], env)
    return 0  # not reached


def register(subparsers: Any) -> None:
    """Add ``sso-kit awscli`` and ``sso-kit env`` to the CLI."""
    p = subparsers.add_parser(
        "awscli",
        help="find or install the AWS CLI v2 the tutorial uses",
        description="List every `aws` on PATH with its version and whether it works with the "
        "tutorial, or install AWS CLI v2 into ~/.sso-kit/awscli-v2 (linked from ~/.sso-kit/bin).",
    )
    sub = p.add_subparsers(dest="awscli_command", metavar="ACTION", required=True)
    ins = sub.add_parser(
        "install",
        help="install CLI v2 into its own virtual environment",
        description="Install AWS CLI v2 with pip into ~/.sso-kit/awscli-v2, from AWS's source "
        "distribution (https://awscli.amazonaws.com/awscli.tar.gz) or a local wheel or sdist.",
    )
    ins.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        default=None,
        help="a CLI v2 wheel or sdist on this machine (for machines without that download)",
    )
    ins.add_argument("--force", action="store_true", help="reinstall even if it works already")
    ins.set_defaults(func=_cmd_install)
    st = sub.add_parser("status", aliases=["which"], help="list every aws on PATH and its version")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=_cmd_status)

    e = subparsers.add_parser(
        "env",
        help="print the lines that give a terminal the kit's aws and the sandbox",
        description='Print `export` lines for a terminal outside JupyterLab: eval "$(sso-kit env)". '
        "PATH gets ~/.sso-kit/bin (CLI v2, sso-kit) first; with a sandbox running, "
        "AWS_ENDPOINT_URL points every AWS CLI call at it.",
    )
    e.add_argument("--sandbox-url", default=None, help="the sandbox (default: the running one)")
    e.add_argument("--real-aws", action="store_true", help="no sandbox: unset AWS_ENDPOINT_URL")
    e.add_argument(
        "--shell",
        action="store_true",
        help="start an interactive shell with that environment (JupyterLab terminals)",
    )
    e.set_defaults(func=_cmd_env)
