"""The sandbox's serving as it was, kept only to measure against, and the serving knobs tried.

Before cheroot: werkzeug's threaded development server (a thread per connection, every
connection closed after one response) and moto's dispatcher without the host cache. Before the
remembered first sign-in: every learner's first sign-in paid one scrypt. ``bench_servers``
swaps these in, in a child process, by name (see :func:`install`).
"""

from __future__ import annotations

import threading
from email.utils import formatdate
from typing import Any

from sso_kit.sandbox.server import BEARER_ENVIRON


def _handler() -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class Handler(MotoRequestHandler):
        def make_environ(self) -> dict[str, Any]:
            environ = super().make_environ()
            value = self.headers.get("x-amz-sso_bearer_token")
            if value is not None:
                environ[BEARER_ENVIRON] = value.strip()
            return environ

        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(self.server.app.oidc.clock.now(), usegmt=True)  # type: ignore[attr-defined]

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            pass

    return Handler


class WerkzeugServerThread:
    """What ``sso_kit.sandbox.server.ServerThread`` was: werkzeug's ThreadedWSGIServer."""

    def __init__(self, app: Any, host: str, port: int, **_: Any) -> None:
        from werkzeug.serving import ThreadedWSGIServer

        class Server(ThreadedWSGIServer):
            request_queue_size = 1024

        self.server = Server(host, port, app, handler=_handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def uncached_dispatcher() -> Any:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def scrypt_on_first_sign_in() -> None:
    """Forget the password just set, as before: its first sign-in pays scrypt again."""
    from sso_kit.sandbox.passwords import Passwords

    set_password = Passwords.set_password

    def forgetting(self: Passwords, name: str, password: str) -> None:
        set_password(self, name, password)
        with self.lock:
            self._verified.pop(name, None)

    Passwords.set_password = forgetting  # type: ignore[method-assign]


def worker_threads(count: int) -> None:
    """Serve with ``count`` cheroot workers instead of the default."""
    import sso_kit.sandbox.server as server

    defaults = dict(server.ServerThread.__init__.__kwdefaults__ or {})
    server.ServerThread.__init__.__kwdefaults__ = defaults | {"threads": count}


def install(kind: str) -> None:
    """Patch the sandbox of this process.

    ``werkzeug`` (the issue's "before"), ``main`` (cheroot and the cached host look-up, but a
    scrypt on each first sign-in and moto's account look-ups as shipped; both on every CPU),
    ``threads-N`` (today's serving with N workers), ``switch-MS`` (the GIL's switch interval),
    ``now`` (as shipped).
    """
    import sso_kit.sandbox.moto_app as moto_app
    import sso_kit.sandbox.server as server

    if kind == "werkzeug":
        server.ServerThread = WerkzeugServerThread  # type: ignore[misc,assignment]
        moto_app.CachedDispatcher = uncached_dispatcher  # type: ignore[misc,assignment]
    if kind in ("werkzeug", "main"):
        import os

        from sso_kit.sandbox.serving import ENV_CPU

        os.environ[ENV_CPU] = "all"  # as before: on every CPU (set before the CLI reads it)
        scrypt_on_first_sign_in()
        moto_app.existing_accounts_first = lambda: None  # moto's account look-ups as shipped
        moto_app.remembered_key_accounts = lambda: None
        moto_app.indexed_role_sessions = lambda: None
    if kind.startswith("threads-"):
        worker_threads(int(kind.removeprefix("threads-")))
    if kind.startswith("switch-"):  # the GIL's switch interval, in milliseconds
        import sys

        sys.setswitchinterval(float(kind.removeprefix("switch-")) / 1000)
