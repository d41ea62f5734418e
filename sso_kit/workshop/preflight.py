"""``sso-kit workshop check``: the tutorial batch, on this machine, as a spare learner.

The notebooks run headless exactly as a learner's would, against the shared sandbox. Headless
means nobody clicks "Allow", so the run goes through a small local relay in front of the
sandbox that plays the spare learner's browser: when *its own* kernel receives a user code,
the relay signs in with the spare's password and approves that code, and nothing else.
Everything else passes through unchanged (signatures included: the Host header is kept).
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from sso_kit.errors import SandboxError, SsoKitError

__all__ = ["DEFAULT_NOTEBOOKS", "ApprovingRelay", "main_check", "run_check"]

#: Steps a learner does on their own (01 and 03 are the administrator's, with admin keys).
DEFAULT_NOTEBOOKS = ("00", "04", "05", "06", "07", "08", "09")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}


class PreflightFailed(SsoKitError):
    """A step of the pre-flight run failed on this machine."""

    exit_code = 1


class ApprovingRelay:
    """Forward to the sandbox; approve the user codes handed out through it, as ``user``."""

    def __init__(self, target: str, user: str, password: str) -> None:
        from sso_kit.workshop.join import sign_in_and_approve

        parts = urlsplit(target.rstrip("/"))
        self.target, self.netloc, self.path = target.rstrip("/"), parts.netloc, parts.path
        self.approved: list[str] = []
        self.errors: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # request lines may carry codes
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(relay.netloc, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                connection.request(self.command, relay.path + self.path, body, headers)
                answer = connection.getresponse()
                data = answer.read()
                connection.close()
                if self.path.startswith("/device_authorization") and answer.status == 200:
                    code = json.loads(data).get("userCode", "")
                    threading.Thread(target=relay._approve, args=(code,), daemon=True).start()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_HEADERS | {"content-length", "date", "server"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        def approve(code: str) -> None:
            try:
                sign_in_and_approve(relay.target, code, user, password)
                relay.approved.append(code)
            except SsoKitError as err:
                relay.errors.append(str(err))

        self._approve = approve
        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                # a client that gave up (timeout, kernel stopped) is not the run's failure
                if not isinstance(sys.exc_info()[1], OSError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> ApprovingRelay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _spare_login(args: Any) -> tuple[str, str, str]:
    """(sandbox url, user, password) from the arguments, else the workshop's data dir."""
    from sso_kit.workshop.roster import Roster, default_data_dir, saved_passwords

    folder = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
    roster = Roster.load(folder) if folder.exists() else None
    url = args.url or (roster.url if roster else "")
    user = args.learner or (roster.spares[0] if roster and roster.spares else "")
    password = args.password or saved_passwords(folder).get(user, "")
    if not url or not user or not password:
        raise SandboxError(
            "The pre-flight needs the workshop URL, a spare user and their password.",
            hint="Run it where the workshop was started (--data-dir), or pass --url, "
            "--learner and --password.",
        )
    return url, user, password


def run_check(
    url: str,
    user: str,
    password: str,
    output_dir: str | Path,
    notebooks: list[str] | tuple[str, ...] = DEFAULT_NOTEBOOKS,
    *,
    progress: bool = True,
) -> list[Any]:
    """Run the notebooks headless as ``user`` against the workshop at ``url``."""
    import os
    from unittest import mock

    from sso_kit.course.runner import run_tutorial
    from sso_kit.workshop import ENV_LEARNER, ENV_URL
    from sso_kit.workshop.join import _health

    _health(url.rstrip("/"))
    relay = ApprovingRelay(url, user, password)  # bound now, serving once entered
    # the kernels join the workshop as a learner's do (notebook 00), through the relay;
    # patch.dict puts the environment back as it was afterwards
    with relay, mock.patch.dict(os.environ, {ENV_URL: relay.url, ENV_LEARNER: user}):
        return run_tutorial(
            output_dir, {}, list(notebooks), sandbox_url=relay.url, progress=progress
        )


def main_check(args: Any, stream: TextIO | None = None) -> int:
    """Print green/red per step; exit non-zero on red."""
    from sso_kit.course.runner import format_summary

    stream = stream or sys.stdout
    url, user, password = _spare_login(args)
    results = run_check(url, user, password, args.output_dir, args.notebooks or DEFAULT_NOTEBOOKS)
    colour = stream.isatty()
    for result in results:
        mark = {"ok": "✓ green", "failed": "✗ red", "skipped": "- skipped"}[result.status]
        if colour:
            code = {"ok": "32", "failed": "31", "skipped": "33"}[result.status]
            mark = f"\033[{code}m{mark}\033[0m"
        print(f"{result.step:<24} {mark}", file=stream)
    print(format_summary(results), file=stream)
    bad = [r for r in results if r.status == "failed"]
    if bad:
        raise PreflightFailed(
            f"Pre-flight step {bad[0].step} failed as {user}: {bad[0].error}",
            hint=f"Open {bad[0].output} to see the failing cell; fix this machine, then re-run.",
        )
    print(f"Pre-flight green: every step passed as {user} against {url}.", file=stream)
    return 0
