"""The offline IAM Identity Center sandbox: ``Sandbox`` starts, finds and steers one.

Importing this module is cheap; moto and werkzeug load only in :meth:`Sandbox.start`. A handle
found with :meth:`Sandbox.ensure_running` talks to its server over the admin HTTP API only
(see ``sandbox/admin/client.py``), with the admin secret from the owner-only state file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError
from sso_kit.sandbox.admin.client import AdminClient
from sso_kit.sandbox.directory import DEFAULT_USER
from sso_kit.sandbox.finding import (
    ENV_ADMIN_KEY,
    ENV_ALLOWED_HOSTS,
    ENV_URL,
    Finding,
    state_file_path,
)
from sso_kit.sandbox.passwords import User

log = logging.getLogger(__name__)

__all__ = [
    "ENV_ADMIN_KEY",
    "ENV_ALLOWED_HOSTS",
    "ENV_URL",
    "Sandbox",
    "User",
    "state_file_path",
]

SAVE_EVERY = 2.0  # seconds between saves to --data-dir
SAVE_RETRY_MAX = 60.0  # seconds: the longest wait between retries of a failed save


class Sandbox(AdminClient, Finding):
    """An IAM Identity Center sandbox server (see docs/architecture.md, "Sandbox")."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        seed: str | Path | dict[str, Any] | None = None,
        auto_approve: bool = False,
        learners: int = 0,
        data_dir: str | Path | None = None,
        *,
        prefix: str = "",
        admin_secret: str | None = None,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        if learners < 0 or learners > 999:
            raise SandboxError(
                f"learners must be between 0 and 999, not {learners}.",
                hint="Pick how many workshop users to create, e.g. --learners 30.",
            )
        self.host = host
        self.port = port
        self._public_url = public_url.rstrip("/") if public_url else None
        self._seed = seed
        self.auto_approve = auto_approve
        self.learners = learners
        self.data_dir = Path(data_dir).expanduser() if data_dir else None
        self.prefix = prefix
        self.allowed_hosts = allowed_hosts
        # The admin secret: given, else kept in data_dir, else new (known once started).
        self.admin_key: str | None = admin_secret
        self._data: Any = None  # the locked data dir while running
        self.save_failures = 0  # consecutive failed saves (the saver retries with back-off)
        self.app: Any = None
        self._server: Any = None
        self._saver: Any = None
        self._remote: dict[str, Any] | None = None  # set for handles of other processes
        self.default_user: User | None = None
        self.pid = os.getpid()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Seed and serve in a background thread; returns self once it accepts requests."""
        if self._server is not None:
            return self
        from sso_kit.sandbox.seed import check_seed, default_seed, load_seed
        from sso_kit.sandbox.server import ServerThread, build_app

        if isinstance(self._seed, dict):
            seed = check_seed({**default_seed(), **self._seed}, "the seed argument")
        elif self._seed:
            seed = load_seed(self._seed)
        else:
            seed = default_seed()
        self._check_address()
        if self.data_dir:
            from sso_kit.sandbox.persistence import DataDir

            self._data = DataDir(self.data_dir).open()
        try:
            self.app = build_app(
                seed=seed,
                learners=self.learners,
                auto_approve=self.auto_approve,
                public_url=self._public_url,
                prefix=self.prefix,
                admin_secret=self.admin_key,
                allowed_hosts=self.allowed_hosts,
                data_dir=self.data_dir,
            )
            self._server = ServerThread(self.app, self.host, self.port)
        except (OSError, SystemExit) as err:  # werkzeug exits when it cannot bind
            self._release_data_dir()
            reason = getattr(err, "strerror", None) or "see the message above"
            raise SandboxError(
                f"The sandbox cannot listen on {self.host}:{self.port} ({reason}).",
                hint="Choose another --port, or 0 for any free port.",
            ) from None
        except BaseException:
            self._release_data_dir()
            raise
        self.admin_key = self.app.auth.secret
        self.port = self._server.port
        if self.app.public_url is None:
            self.app.public_url = self.url + self.prefix
        users = self.app.directory.users
        self.default_user = users.get(DEFAULT_USER) or next(iter(users.values()), None)
        self._server.start()
        self._start_warm_up()
        if self.data_dir:
            try:
                self.save()  # at once: a data dir that cannot take the state fails the start
            except OSError as err:
                self.stop()
                raise SandboxError(
                    f"The sandbox cannot save its state in {self.data_dir} "
                    f"({err.strerror or err}).",
                    hint="Choose another --data-dir, or fix the folder's permissions.",
                ) from None
            self._start_saver()
        return self

    def _check_address(self) -> None:
        """A host that is not an address of this machine is a clear error before binding."""
        import socket

        try:
            socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as err:
            raise SandboxError(
                f"The sandbox cannot listen on {self.host!r}: it is not a valid host name or "
                f"address ({getattr(err, 'strerror', None) or err}).",
                hint="Use --host 127.0.0.1 (the default), or an address of this machine.",
            ) from None
        if not 0 <= self.port <= 65535:
            raise SandboxError(
                f"The sandbox cannot listen on port {self.port}.", hint="Use a port 0-65535."
            )

    def _release_data_dir(self) -> None:
        if self._data is not None:
            self._data.close()
            self._data = None

    def _start_warm_up(self) -> None:
        """Make one signed call now, in the background, so no learner waits for it.

        moto builds its request-authentication machinery on the first signed request of a
        process (about two seconds here); without this, that lands on step 01's first admin
        call or on a learner's first S3 listing.
        """
        import threading

        keys = self.app.directory.admin_keys

        def call() -> None:
            import boto3

            try:
                boto3.client(
                    "sts",
                    endpoint_url=self.url,
                    region_name=self.sso_region,
                    aws_access_key_id=keys[0],
                    aws_secret_access_key=keys[1],
                ).get_caller_identity()
            except Exception:  # a sandbox stopped meanwhile: nothing to warm
                log.debug("sandbox warm-up call failed", exc_info=True)

        if keys:
            threading.Thread(target=call, name="sso-kit-sandbox-warm-up", daemon=True).start()

    def _start_saver(self) -> None:
        """Save every SAVE_EVERY seconds; after a failure retry with a doubling wait and log."""
        import threading

        stop = threading.Event()

        def loop() -> None:
            wait = SAVE_EVERY
            while not stop.wait(wait):
                try:
                    self.save()
                except Exception as err:  # keep serving, keep trying
                    self.save_failures += 1
                    wait = min(SAVE_RETRY_MAX, SAVE_EVERY * 2**self.save_failures)
                    log.warning(
                        "saving the sandbox state to %s failed (%s: %s); retrying in %.1f s",
                        self.data_dir,
                        type(err).__name__,
                        getattr(err, "strerror", None) or err,
                        wait,
                    )
                    continue
                if self.save_failures:
                    log.warning(
                        "saving the sandbox state to %s works again after %d failed attempts",
                        self.data_dir,
                        self.save_failures,
                    )
                self.save_failures, wait = 0, SAVE_EVERY

        thread = threading.Thread(target=loop, name="sso-kit-sandbox-saver", daemon=True)
        thread.start()
        self._saver = (stop, thread)

    def save(self) -> None:
        """Write the state to ``data_dir`` now (also done every 2 s and on stop)."""
        if self.data_dir and self.app is not None:
            from sso_kit.sandbox import persistence

            persistence.write_json_private(
                self.data_dir / persistence.STATE_NAME, self.app.export_state()
            )

    def stop(self) -> None:
        """Stop serving (saving state first when a data dir is set); safe to call twice."""
        if self._remote is not None:
            return
        if self._saver is not None:
            self._saver[0].set()
            self._saver = None
        if self._server is not None:
            self._server.stop()
            self._server = None
            try:
                self.save()
            except OSError as err:
                log.warning("the last save to %s failed (%s)", self.data_dir, err.strerror or err)
            finally:
                self._release_data_dir()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "remote" if self._remote else ("running" if self._server else "stopped")
        return f"Sandbox(url={self.url!r}, {state})"

    # -- facts ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """What clients use as ``endpoint_url``."""
        if self._remote is not None:
            return str(self._remote["url"])
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def public_url(self) -> str:
        """What verification URIs handed to browsers start with."""
        if self._remote is not None:
            return str(self._remote.get("public_url") or self.url)
        return self._public_url or (self.app.public_url if self.app else self.url)

    @property
    def start_url(self) -> str:
        if self._remote is not None:
            return str(self._remote["start_url"])
        return str(self.app.directory.start_url)

    @property
    def sso_region(self) -> str:
        if self._remote is not None:
            return str(self._remote["sso_region"])
        return str(self.app.directory.region)

    @property
    def users(self) -> dict[str, User]:
        """Users created with a password by this sandbox (name -> User)."""
        if self._remote is not None:
            return {
                u["name"]: User(u["name"], u["password"]) for u in self._remote.get("users", [])
            }
        return dict(self.app.directory.users)
