"""``sso-kit``: a thin command-line adapter over the sso_kit API.

Exit codes come from the error classes (``sso_kit.errors.exit_code_table``): each
:class:`~sso_kit.errors.SsoKitError` subclass carries its code and meaning. Errors print one line, ``sso-kit: error: <reason and next step>``, on stderr.

Each command family lives in its own module of this package with a ``register(subparsers)``
function, imported here by name: a typo is an ImportError, never a missing command. Those
modules import only the standard library at top level and defer boto3, moto and jupyter to
their handlers, so ``sso-kit --help`` stays cheap. Nothing imports ``sso_kit.cli``.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from sso_kit import __version__
from sso_kit.cli import awscli, check, diagnose, lab, sandbox, session, tutorial, workshop
from sso_kit.errors import SsoKitError, format_exit_codes
from sso_kit.lean_imports import leave_out_iri_checker

# The command families, in the order ``sso-kit --help`` lists them.
FAMILIES = (
    session,  # configure, migrate, login, status, ls, logout
    sandbox,  # sandbox
    diagnose,  # doctor, explain
    tutorial,  # tutorial run
    lab,  # lab
    awscli,  # awscli install|status, env
    check,  # check STEP
    workshop,  # workshop start|handout|check
)

EPILOG = format_exit_codes()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sso-kit",
        description="Learn IAM Identity Center -> AWS CLI -> Amazon S3, with an offline sandbox.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sso-kit {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log every step at DEBUG on stderr, with tokens, secrets and keys masked "
        "(safe to paste into an issue)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for family in FAMILIES:
        family.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if argv is None and getattr(args, "short_lived", False):
        # This process's own command, one that ends in a second: the cycle collector would
        # spend a fifth of it walking botocore's freshly loaded models, which live until the
        # exit anyway. A command that then waits (login's polling) turns it back on. A
        # caller running main(argv) in its own process keeps its collector as it was.
        gc.disable()
    if argv is None:
        # this process's own command: `tutorial build/run` and `workshop preflight` import
        # nbformat, and with it a format checker that costs seconds to load (lean_imports)
        leave_out_iri_checker()
    if args.debug:
        from sso_kit.redaction import enable_debug_logging

        enable_debug_logging()
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
