"""``sso-kit workshop start | handout | check``: run a room of learners on one sandbox.

Top-level imports are standard library only (see sso_kit/cli/__init__.py); the rest loads on
use.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from sso_kit.cli.options import add_command
from sso_kit.net import LOOPBACK

#: The options named like ``start_workshop``'s parameters, passed through as they are.
START_OPTIONS = (
    "spares",
    "seed",
    "data_dir",
    "host",
    "port",
    "public_url",
    "prefix",
    "stuck_minutes",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "workshop",
        help="run a workshop: shared sandbox, handout, dashboard, pre-flight check",
        description="One instructor, many learners, one shared sandbox. See docs/workshop.md.",
    )
    sub = parser.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)

    start = add_command(sub, "start", run_start)
    start.add_argument("--learners", type=int, help="how many learners (learner01 … learnerNN)")
    start.add_argument("--spares", type=int, default=1, help="spare users for pre-flight (1)")
    start.add_argument("--seed", help="YAML/JSON file describing another organisation")
    start.add_argument("--data-dir", help="where the workshop lives (default ~/.sso-kit/workshop)")
    start.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    start.add_argument("--port", type=int, default=0, help="port (default: 0, any free port)")
    start.add_argument("--public-url", help="base URL learners' browsers use")
    start.add_argument("--prefix", default="", help="path prefix to strip (behind a proxy)")
    start.add_argument("--stuck-minutes", type=float, default=10.0, help="no progress for … (10)")

    handout = add_command(sub, "handout", run_handout)
    handout.add_argument("--format", choices=("html", "pdf"), default="html")
    handout.add_argument("--paper", choices=("a4", "letter"), default="a4")
    handout.add_argument("--data-dir", help="the workshop's data dir (default ~/.sso-kit/workshop)")
    handout.add_argument(
        "--output", help="file to write (default: handout.<format> in the data dir)"
    )
    handout.add_argument("--public-url", help="sign-in base URL to print (default: the workshop's)")

    check = add_command(sub, "check", run_check)
    check.add_argument("--url", help="the workshop sandbox URL (default: from the data dir)")
    check.add_argument("--data-dir", help="the workshop's data dir (default ~/.sso-kit/workshop)")
    check.add_argument("--learner", help="who to run as (default: the first spare user)")
    check.add_argument("--password", help="their password (default: from the data dir)")
    check.add_argument(
        "--notebooks", nargs="*", help="steps to run (default: 00 04 05 06 07 08 09)"
    )
    check.add_argument("--output-dir", default="out/workshop-check")


def _data_dir(args: argparse.Namespace) -> Path:
    from sso_kit.workshop.roster import default_data_dir

    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def run_start(args: argparse.Namespace) -> int:
    """start the shared sandbox and the dashboard (Ctrl-C stops)

    Creates learner01 … learnerNN (each with an AWS account of their own and a one-time
    password) in a persistent data dir, writes the HTML handout, and prints the dashboard URL
    and where its secret is. Run it again on the same data dir to bring the room back.
    """
    from sso_kit.errors import ValidationError
    from sso_kit.workshop.handout import cards_from_data_dir, write_handout
    from sso_kit.workshop.start import start_workshop

    if not 0 <= args.port <= 65535:
        raise ValidationError("port", f"--port {args.port} is out of range.", hint="Use 0-65535.")
    if args.host not in LOOPBACK:
        print(
            f"WARNING: listening on {args.host}: learners on the network can reach the sandbox; "
            "the dashboard stays behind the workshop secret.",
            file=sys.stderr,
        )
    workshop = start_workshop(
        args.learners,
        **{name: getattr(args, name) for name in START_OPTIONS},
        progress=_warm_up_progress,
    )
    stop = threading.Event()
    # Ctrl-C and a service manager's TERM stop it alike (also where a shell started it in
    # the background with SIGINT ignored).
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        workshop.sandbox.save()
        handout = write_handout(
            cards_from_data_dir(workshop.data_dir), workshop.data_dir / "handout.html"
        )
        roster = workshop.roster
        # a service's output lands in logs (JupyterHub's): print the secret to a person only
        secret = roster.secret if sys.stdout.isatty() else f"in {workshop.data_dir}/workshop.json"
        print(
            "\n".join(
                [
                    f"Workshop sandbox (sso-kit): {len(roster.learners)} learners, "
                    f"{len(roster.spares)} spare",
                    f"  sandbox URL   {workshop.sandbox.url}   (learners: SSO_KIT_WORKSHOP_URL)",
                    f"  sign-in page  {workshop.sandbox.public_url}/device",
                    f"  dashboard     {workshop.dashboard_url}",
                    f"  secret        {secret}   (the dashboard's sign-in; keep it private)",
                    f"  handout       {handout}   (PDF: sso-kit workshop handout --format pdf)",
                    f"  data dir      {workshop.data_dir} (state survives restarts)",
                    f"  pre-flight    sso-kit workshop check --data-dir {workshop.data_dir}",
                    "Press Ctrl-C to stop.",
                ]
            ),
            flush=True,
        )
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        workshop.stop()
    print("Workshop sandbox stopped (state kept in the data dir).", flush=True)
    return 0


def _warm_up_progress(done: int, total: int) -> None:
    """One line that counts up on a terminal; a line per 10% in a log (a hub service's)."""
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rPreparing the learners' accounts: {done}/{total}", end=end, file=sys.stderr)
    elif done == total or done % max(1, total // 10) == 0:
        print(f"Preparing the learners' accounts: {done}/{total}", file=sys.stderr)
    sys.stderr.flush()


def run_handout(args: argparse.Namespace) -> int:
    """write the learners' sign-in cards (HTML or PDF)

    One card per learner: start URL, SSO Region, user name, one-time password and a QR code
    to the sign-in page; eight cards to an A4 or Letter page.
    """
    from sso_kit.workshop.handout import cards_from_data_dir, write_handout

    folder = _data_dir(args)
    target = Path(args.output) if args.output else folder / f"handout.{args.format}"
    cards = cards_from_data_dir(folder, args.public_url)
    write_handout(cards, target, fmt=args.format, paper=args.paper)
    print(f"Wrote {len(cards)} cards ({args.paper}, {args.format}) to {target}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """pre-flight: run the tutorial batch as a spare learner

    Runs the learner's notebooks headless on this machine against the shared sandbox and
    prints green or red per step; exits 1 on red.
    """
    from sso_kit.workshop.preflight import main_check

    return main_check(args)
