"""CLI ``sso-kit check STEP``: the notebooks' "Check my work", worded for a terminal.

Only the standard library is imported at module level (``sso-kit --help`` stays fast).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

__all__ = ["register"]

NOT_DONE = 10

EPILOG = f"""exit codes:
  0 the step is done · {NOT_DONE} not done yet (the output says what is missing) · 2 invalid input

In the sandbox (AWS_ENDPOINT_URL set, as in the kit's JupyterLab terminals, or a running
`sso-kit sandbox`) the check also compares the start URL, SSO region and endpoint with the
sandbox's. Each result is recorded in ~/.sso-kit/checks.json."""


def register(subparsers: Any) -> None:
    """Add ``check`` to ``sso-kit``'s sub-commands."""
    p = subparsers.add_parser(
        "check",
        help="check a tutorial step (05-09) against your real config and caches",
        description="Check that a tutorial step is done, whichever way you did it (notebook "
        "widgets or the AWS CLI v2): prints what is right, what is missing and the command "
        "to type next.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("step", choices=["05", "06", "07", "08", "09", "5", "6", "7", "8", "9"])
    p.add_argument("--profile", default="sso-kit-tutorial", help="default sso-kit-tutorial")
    p.add_argument("--sso-session", default="sso-kit", help="default sso-kit")
    p.add_argument("--start-url", help="the start URL the session should have")
    p.add_argument("--sso-region", help="the SSO region the session should have")
    p.add_argument("--real-aws", action="store_true", help="not the sandbox: skip its checks")
    p.add_argument("--keep-profile", action="store_true", help="09: you kept the profile")
    p.add_argument("--no-buckets", action="store_true", help="07/09: do not list buckets")
    p.add_argument("--solution", action="store_true", help="also print the full solution")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_check)


def _sandbox_state() -> dict[str, Any]:
    """The running sandbox as the kit's state file or AWS_ENDPOINT_URL describe it."""
    from sso_kit.sandbox import state_file_path

    try:
        data = json.loads(state_file_path().read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    env_url = os.environ.get("AWS_ENDPOINT_URL")
    if env_url and data.get("url", "").rstrip("/") != env_url.rstrip("/"):
        data = {"url": env_url.rstrip("/")}
    return data if isinstance(data, dict) else {}


def _check(args: argparse.Namespace) -> int:
    from types import SimpleNamespace

    from sso_kit.course import checks

    sandbox = {} if args.real_aws else _sandbox_state()
    url = sandbox.get("url")
    kit = SimpleNamespace(
        profile=args.profile,
        sso_session=args.sso_session,
        start_url=args.start_url or sandbox.get("start_url") or "",
        sso_region=args.sso_region or sandbox.get("sso_region") or "",
        endpoint_url=url,
        use_sandbox=bool(url),
        sandbox=None,
    )
    if url and sandbox.get("admin_key"):  # the admin's key lists buckets after clean-up
        from sso_kit.sandbox import Sandbox

        kit.sandbox = Sandbox.from_state(sandbox)
    step = args.step.zfill(2)
    lister = None if args.no_buckets else checks.bucket_lister(kit, step)
    result = checks.check(
        step,
        checks.Target.from_setup(kit),
        context="terminal",
        list_buckets=lister,
        keep_profile=args.keep_profile,
    )
    checks.record(result, profile=args.profile)
    if args.json:
        print(json.dumps(checks.as_dict(result), indent=2))
    else:
        print(result.report())
        if args.solution:
            print(f"\nSolution:\n{result.solution}")
        elif not result.ok:
            print(f"\nThe full solution: sso-kit check {step} --solution")
    return 0 if result.ok else NOT_DONE
