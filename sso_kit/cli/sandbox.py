"""``sso-kit sandbox``: run the offline IAM Identity Center in the foreground.

Top-level imports are standard library only (see sso_kit/cli.py); the server loads on use.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from sso_kit.cli.options import add_command

#: The options passed to :class:`sso_kit.sandbox.Sandbox` as they are (same names).
SANDBOX_OPTIONS = (
    "host",
    "port",
    "public_url",
    "seed",
    "auto_approve",
    "learners",
    "data_dir",
    "prefix",
)


def register(subparsers: Any) -> None:
    parser = add_command(subparsers, "sandbox", run)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    parser.add_argument("--public-url", help="base URL browsers use (e.g. behind a proxy)")
    parser.add_argument("--prefix", default="", help="path prefix to strip (behind a proxy)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another Host name admin calls may use (loopback, IP literals and the public "
        "URL's host are always allowed; also SSO_KIT_SANDBOX_ALLOWED_HOSTS, comma-separated)",
    )
    parser.add_argument("--seed", help="YAML/JSON file describing another organisation")
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve every sign-in for the default user (batch runs, CI)",
    )
    parser.add_argument("--learners", type=int, default=0, help="create learner01..learnerNN")
    parser.add_argument("--data-dir", help="keep users, sessions and buckets across restarts")
    parser.add_argument(
        "--state-file",
        help="where to record url and sign-in details (default ~/.sso-kit/sandbox.json)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="OPERATION=KIND",
        help="start with a fault, e.g. CreateToken=slow_down or GetRoleCredentials=server_error",
    )
    parser.add_argument("--skew-clock", type=float, default=0.0, help="shift the server clock (s)")
    parser.add_argument("--access-token-lifetime", type=int, help="seconds (default 3600)")
    parser.add_argument("--device-code-lifetime", type=int, help="seconds (default 600)")


def run(args: argparse.Namespace) -> int:
    """run the offline IAM Identity Center sandbox (Ctrl-C stops it)

    Serve SSO OIDC, the AWS access portal, sign-in pages and moto's S3/IAM/STS on one port.
    Clients reach it with endpoint_url = the printed endpoint.
    """

    import os

    from sso_kit.errors import SandboxError, ValidationError
    from sso_kit.net import LOOPBACK
    from sso_kit.sandbox import ENV_ADMIN_KEY, ENV_ALLOWED_HOSTS, Sandbox
    from sso_kit.sandbox.admin.auth import MIN_SECRET
    from sso_kit.sandbox.serving import pin_to_one_cpu

    faults = []
    for item in args.fault:
        operation, sep, kind = item.partition("=")
        if not sep or not operation or not kind:
            raise ValidationError(
                "fault",
                f"--fault {item!r} is not OPERATION=KIND.",
                hint="For example: --fault CreateToken=slow_down",
            )
        faults.append((operation, kind))
    if not 0 <= args.port <= 65535:
        raise ValidationError("port", f"--port {args.port} is out of range.", hint="Use 0-65535.")
    secret = os.environ.get(ENV_ADMIN_KEY, "").strip() or None
    if secret is not None and len(secret) < MIN_SECRET:
        raise ValidationError(
            "admin secret",
            f"{ENV_ADMIN_KEY} is shorter than {MIN_SECRET} characters.",
            hint="Unset it to get a random secret, or set a longer one.",
        )
    pin_to_one_cpu()  # before the server's threads start (they inherit it)
    sandbox = Sandbox(
        **{name: getattr(args, name) for name in SANDBOX_OPTIONS},
        admin_secret=secret,
        allowed_hosts=(*args.allowed_host, *os.environ.get(ENV_ALLOWED_HOSTS, "").split(",")),
    ).start()
    if args.host not in LOOPBACK:
        print(
            f"WARNING: listening on {args.host}: anyone who can reach this address can use the "
            "sandbox's sign-in pages and AWS APIs (the admin API needs its secret). Use --host 127.0.0.1 unless you need this.",
            file=sys.stderr,
        )
    stop = threading.Event()
    # Ctrl-C and TERM stop it alike, also where a shell started it in the background with
    # SIGINT ignored (Python then never raises KeyboardInterrupt), as `workshop start` does
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    state_path = None
    try:
        for operation, kind in faults:
            sandbox.set_fault(operation, kind)
        if args.skew_clock:
            sandbox.skew_clock(args.skew_clock)
        if args.access_token_lifetime or args.device_code_lifetime:
            sandbox.set_lifetimes(
                access_token=args.access_token_lifetime, device_code=args.device_code_lifetime
            )
        try:
            state_path = sandbox.write_state_file(args.state_file)
        except OSError as err:
            raise SandboxError(
                f"Cannot write the sandbox state file {args.state_file or '~/.sso-kit/sandbox.json'} "
                f"({err.strerror or err}).",
                hint="Give --state-file a path in a folder you can write to.",
            ) from None
        print_banner(sandbox, args, state_path)
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        if state_path is not None:
            state_path.unlink(missing_ok=True)
    print("Sandbox stopped.", flush=True)
    return 0


def print_banner(sandbox: Any, args: argparse.Namespace, state_path: Any) -> None:
    lines = [
        "IAM Identity Center sandbox (offline, sso-kit)",
        f"  endpoint      {sandbox.url}      (endpoint_url for boto3 / the aws CLI)",
        f"  sign-in pages {sandbox.public_url}/device",
        f"  access portal {sandbox.public_url}/portal",
        f"  start URL     {sandbox.start_url}",
        f"  SSO region    {sandbox.sso_region}",
        f"  admin API     {sandbox.url}/_sandbox/admin/ (the secret is admin_key in the state file)",
    ]
    users = list(sandbox.users.values())
    for user in users[:5]:
        lines.append(f"  user          {user.name}   password {user.password}")
    if len(users) > 5:
        lines.append(f"  … and {len(users) - 5} more users; passwords are in {state_path}")
    lines.append(
        "  admin         sandbox-admin (IAM, AdministratorAccess): Sandbox.admin_credentials()"
    )
    if args.auto_approve:
        lines.append("  auto-approve  ON: every sign-in is approved for the default user")
    if args.data_dir:
        lines.append(f"  data dir      {args.data_dir} (state survives restarts)")
    else:
        lines.append("  data dir      none: starting clean, nothing is kept after Ctrl-C")
    lines.append(f"  state file    {state_path}")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)
