"""The sandbox's serving before cheroot, kept only to measure against: werkzeug's threaded
development server (a thread per connection, every connection closed after one response) and
moto's dispatcher without the host cache. ``bench_servers`` swaps these in, in a child process.
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


def install(kind: str) -> None:
    """Patch the sandbox of this process: ``werkzeug`` (before), ``cheroot-uncached``, ``now``."""
    import sso_kit.sandbox.moto_app as moto_app
    import sso_kit.sandbox.server as server

    if kind == "werkzeug":
        server.ServerThread = WerkzeugServerThread  # type: ignore[misc,assignment]
    if kind in ("werkzeug", "cheroot-uncached"):
        moto_app.CachedDispatcher = uncached_dispatcher  # type: ignore[misc,assignment]
