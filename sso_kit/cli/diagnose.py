"""``sso-kit doctor`` and ``sso-kit explain``: thin CLI adapters over :mod:`sso_kit.diagnose`.

Only the standard library and the (light) diagnose package load at import, so ``sso-kit --help``
stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys

from sso_kit.cli.options import add_command, add_json_option
from sso_kit.diagnose.report import EXIT_CODES, STAGE_TITLES

DOCTOR_EPILOG = (
    "exit codes (the earliest stage with a problem wins; warnings never fail):\n  0 no problems · "
    + " · ".join(f"{EXIT_CODES[stage]} {STAGE_TITLES[stage]}" for stage in EXIT_CODES)
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``doctor`` and ``explain`` sub-commands."""
    doc = add_command(subparsers, "doctor", _doctor, epilog=DOCTOR_EPILOG)
    doc.add_argument("--profile", help="profile to check (default: AWS_PROFILE, then default)")
    add_json_option(doc, "report")

    exp = add_command(subparsers, "explain", _explain)
    exp.add_argument("text", help="the error message, or '-' for stdin")
    add_json_option(exp, "explanation")


def _doctor(args: argparse.Namespace) -> int:
    """check your SSO setup stage by stage (never logs in)

    Check environment, config, token cache, role credentials and S3 for a profile, and say
    what is wrong and how to fix it. Never logs in, never prints secrets.
    """

    from sso_kit.diagnose import doctor

    report = doctor(args.profile)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report)
    return report.exit_code


def _explain(args: argparse.Namespace) -> int:
    """explain an error message from the aws CLI, boto3 or botocore

    Paste an error message (or '-' to read it from stdin) to get its cause and fix. Exit
    code 0 when recognised, 1 when not.
    """

    from dataclasses import asdict

    from sso_kit.diagnose import explain

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        print(
            "sso-kit: error: nothing to explain; paste the error message or pipe it to "
            "`sso-kit explain -`.",
            file=sys.stderr,
        )
        return 2
    result = explain(text)
    print(json.dumps(asdict(result), indent=2) if args.json else result)
    return 0 if result.id != "unknown" else 1
