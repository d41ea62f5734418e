"""``sso-kit``: a thin command-line adapter over the sso_kit API.

Exit codes: 0 success; 1 unexpected error; 2 invalid input; 3 config problem; 4 not logged in
or bad cache; 5 login failed; 6 portal refused; 7 S3 failed; 8 sandbox problem; 9 environment
problem found by ``doctor``; 130 Ctrl-C.
Errors print one line, ``sso-kit: error: <reason and next step>``, on stderr.

Each command family lives in its own module and adds itself through a ``register(subparsers)``
function, so this file stays small and ``sso-kit --help`` imports nothing heavy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sso_kit import __version__
from sso_kit.errors import SsoKitError

# Modules that contribute sub-commands. Each must import only the standard library at top
# level and defer heavy imports (boto3, moto, jupyter) to its handlers.
COMMAND_MODULES = (
    "sso_kit.commands",  # configure, login, status, ls, logout
    "sso_kit.sandbox.commands",  # sandbox
    "sso_kit.doctor_commands",  # doctor, explain
    "sso_kit.tutorial_commands",  # tutorial run
    "sso_kit.lab",  # lab
    "sso_kit.workshop_commands",  # workshop start, handout, check
)

EPILOG = """exit codes:
  0 success · 1 unexpected error · 2 invalid input · 3 config problem
  4 not logged in / bad cache · 5 login failed · 6 portal refused · 7 S3 failed
  8 sandbox problem · 9 environment problem (doctor) · 130 interrupted"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sso-kit",
        description="Learn IAM Identity Center -> AWS CLI -> Amazon S3, with an offline sandbox.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sso-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a family not built yet must not break the rest
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except SsoKitError as exc:
        print(f"sso-kit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sso-kit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
