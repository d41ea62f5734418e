"""What every CLI family shares: how a sub-command is added, and the options several take.

A command is documented once, in its handler's docstring: the summary line is its line in
``sso-kit --help``, the body its description in ``sso-kit COMMAND --help``.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def add_command(
    sub: Any,
    name: str,
    func: Handler,
    *,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    """Add sub-command ``name`` run by ``func``, documented by func's docstring.

    An epilog (exit codes, finding ids) is kept as laid out; the description is re-wrapped.
    """
    summary, _, body = inspect.cleandoc(func.__doc__ or "").partition("\n\n")
    help_text, description = " ".join(summary.split()), " ".join(body.split())
    extra: dict[str, Any] = {}
    if epilog is not None:
        extra = {"epilog": epilog, "formatter_class": argparse.RawDescriptionHelpFormatter}
    parser = sub.add_parser(name, help=help_text, description=description, **extra)
    parser.set_defaults(func=func)
    return parser


def add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--json``: machine-readable output instead of the text for people."""
    parser.add_argument("--json", action="store_true", help=f"print the {what} as JSON")
