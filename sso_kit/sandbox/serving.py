"""The sandbox's HTTP/1.1 server: cheroot in a daemon thread, with the sandbox's header rules.

One process, since moto's state lives in it: keep-alive connections waiting in a selector, a
fixed pool of workers, and the C ``io`` socket files of :mod:`sso_kit.sandbox.socket_files`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

#: environ keys the gateway sets: the portal's bearer header, and the socket (the "drop" fault)
BEARER_ENVIRON = "sso_kit.bearer_token"
SOCKET_ENVIRON = "sso_kit.socket"

log = logging.getLogger("sso_kit.sandbox")

#: Seconds a connection may stay silent: idle between keep-alive requests, or stalled inside
#: one. SDKs reconnect transparently when an idle connection was closed.
IDLE_TIMEOUT = 5.0
#: Requests served at once (a fixed pool). Idle keep-alive connections wait in a selector and
#: hold no thread, so a room of learners needs far fewer threads than connections.
WORKER_THREADS = 24
#: Idle keep-alive connections kept open (one per learner's client); beyond it, close after use.
KEEP_ALIVE_CONNECTIONS = 1024
#: A workshop's learners connect in the same second: a short listen backlog overflows and their
#: connects wait for TCP retries (seconds), so keep a long one.
LISTEN_BACKLOG = 1024
#: Seconds between the serve loop's wake-ups (idle expiry, noticing a stop).
STOP_TICK = 0.1
#: Bytes of request line and headers (SigV4 requests send a few KiB); more is a 413.
MAX_HEADERS = 64 * 1024
#: ``sso-kit sandbox`` runs on one CPU (see :func:`pin_to_one_cpu`); ``all`` in this variable
#: leaves it on every CPU it may use, a CPU number picks that one.
ENV_CPU = "SSO_KIT_SANDBOX_CPU"


def pin_to_one_cpu(environ: Mapping[str, str] | None = None) -> int | None:
    """Keep this process on one of the CPUs it may use; that CPU, or None when left as it was.

    Why: the sandbox is one process whose threads take turns on the GIL, so it never uses much
    more than one core, and every call is handed from cheroot's selector thread to a worker.
    Spread over cores, each such hand-off (and each GIL hand-over) is a wake-up on another
    core; on one CPU the kernel switches threads in place. Measured (bench_servers, 200
    learners at once): the server's system time per call about halves, nothing else changes.
    For the sandbox's own process only (``sso-kit sandbox``), never a notebook kernel's
    in-process sandbox. The CPU is the one the kernel's scheduler is running it on now (so
    the sandboxes of a hub's users spread as the scheduler spread them, rather than all on
    one fixed CPU), else one chosen by process id.
    """
    env = os.environ if environ is None else environ
    wanted = env.get(ENV_CPU, "").strip().lower()
    setter = getattr(os, "sched_setaffinity", None)
    if wanted == "all" or setter is None:  # not on macOS / Windows: left as it is
        return None
    try:
        allowed = sorted(os.sched_getaffinity(0))
        cpu = int(wanted) if wanted else _current_cpu(allowed)
        if len(allowed) < 2 or cpu not in allowed:
            return None
        setter(0, {cpu})
    except (OSError, ValueError):  # a container that refuses it, a typo: as it was
        log.debug("%s=%r: the sandbox stays on CPUs as it was", ENV_CPU, wanted)
        return None
    return cpu


def _current_cpu(allowed: list[int]) -> int:
    """The CPU this process last ran on (``/proc/self/stat``), if allowed; else by pid."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            cpu = int(stat.read().rsplit(")", 1)[1].split()[36])  # field 39, "processor"
    except (OSError, ValueError, IndexError):
        cpu = -1
    return cpu if cpu in allowed else allowed[os.getpid() % len(allowed)]


def make_gateway() -> type:
    """cheroot's WSGI gateway, with the header rules of werkzeug's and moto's servers.

    Header names with ``_`` are dropped (WSGI cannot tell ``X_Foo`` from ``X-Foo``, so one
    could spoof the other), except moto's S3 metadata headers, which keep their spelling, and
    the portal's ``x-amz-sso_bearer_token``, passed on under a private environ key.
    """
    from cheroot.wsgi import Gateway_10
    from moto.core.request import (
        PRESERVED_HEADER_NAMES_ENVIRON_KEY,
        environ_key_for_header,
        should_preserve_original_header_name,
    )

    class Gateway(Gateway_10):
        def get_environ(self) -> dict[str, Any]:
            # cheroot's environ without its own header keys (ours follow): it is shown no
            # headers, rather than made to spell every one out for us to drop
            req, inheaders = self.req, self.req.inheaders
            req.inheaders = {}
            try:
                environ: dict[str, Any] = super().get_environ()
            finally:
                req.inheaders = inheaders
            headers = [
                (name.decode("latin-1"), value.decode("latin-1").replace("\r\n", ""))
                for name, value in inheaders.items()
            ]
            preserved: dict[str, str] = {}
            for name, value in headers:
                if "_" not in name:
                    environ[environ_key_for_header(name)] = value
            for name, value in headers:
                if name.lower() == "x-amz-sso_bearer_token":
                    environ[BEARER_ENVIRON] = value.strip()
                elif should_preserve_original_header_name(name):
                    key = environ_key_for_header(name)
                    if key not in environ:  # never in place of a dashed header
                        environ[key] = value
                        preserved[key] = name
            environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = preserved
            environ[SOCKET_ENVIRON] = self.req.conn.socket  # for the "drop" fault
            return environ

    return Gateway


class ServerThread:
    """The sandbox's HTTP/1.1 server (cheroot) in a daemon thread (``port=0``: a free port).

    One process, since moto's state lives in it. Keep-alive connections, a fixed pool of
    ``threads`` workers, and ``idle_timeout`` seconds before a silent connection is closed.
    """

    def __init__(
        self,
        app: Any,
        host: str,
        port: int,
        *,
        threads: int = WORKER_THREADS,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        from cheroot.wsgi import Server as CherootServer

        from sso_kit.sandbox.socket_files import Connection

        class Server(CherootServer):
            ConnectionClass = Connection  # C io instead of cheroot's pure-Python files
            keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
            max_request_header_size = MAX_HEADERS  # cheroot's default is no limit

            @property
            def can_add_keepalive_connection(self) -> bool:
                # Asked at every response. cheroot counts the selector's connections under
                # its lock, a wait for the GIL and the lock while the loop registers
                # connections; the size of the selector's dict is read whole under the GIL.
                registered = self._connections._selector._selector.get_map() or {}
                return bool(self.ready) and len(registered) - 1 < self.keep_alive_conn_limit

            def process_conn(self, conn: Any) -> None:
                # cheroot hands a new connection to a worker at once, where a silent one holds
                # the thread until the timeout; let it wait in the selector until it speaks.
                if not getattr(conn, "sso_kit_spoke", False):
                    conn.sso_kit_spoke = True
                    self._connections.put(conn)
                    return
                super().process_conn(conn)

            def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
                # a client gone mid-response, a bad request line: ours to log, at DEBUG
                log.log(
                    level if level > logging.INFO else logging.DEBUG, "%s", msg, exc_info=traceback
                )

        self.server = Server(
            (host, port),
            app,
            numthreads=threads,
            max=threads,
            request_queue_size=LISTEN_BACKLOG,
            timeout=idle_timeout,
            shutdown_timeout=1,
            server_name="sso-kit-sandbox",
        )
        self.server.gateway = make_gateway()  # cheroot's __init__ sets its own
        # how often the serve loop wakes to expire idle connections, and so to notice stop():
        # cheroot's 0.5 s made every stop of a sandbox that had served a call take half a second
        self.server.expiration_interval = STOP_TICK
        # Bind now, so the port is known and errors surface here. Workers inherit daemon-ness
        # from the thread that starts them: a daemon, so a sandbox never blocks an exit.
        _run_in_daemon_thread(self.server.prepare)
        self.thread = threading.Thread(
            target=self.server.serve, name="sso-kit-sandbox", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.bind_addr[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop accepting and close connections; an in-flight call may finish in the background
        (cheroot would otherwise wait for it, and moto's first signed call takes seconds)."""
        stopper = threading.Thread(target=self.server.stop, name="sso-kit-stop", daemon=True)
        stopper.start()
        stopper.join(timeout)
        self.thread.join(timeout=timeout)


def _run_in_daemon_thread(fn: Any) -> None:
    """``fn()`` in a daemon thread, waited for; its exception is raised here."""
    failed: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # re-raised in the caller below
            failed.append(exc)

    thread = threading.Thread(target=target, name="sso-kit-sandbox-start", daemon=True)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
