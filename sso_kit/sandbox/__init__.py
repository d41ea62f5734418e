"""The offline IAM Identity Center sandbox: ``Sandbox`` starts, finds and steers one.

Importing this module is cheap; moto and werkzeug load only in :meth:`Sandbox.start`. A handle
found with :meth:`Sandbox.ensure_running` talks to its server over the admin HTTP API only
(see ``sandbox/admin/client.py``), with the admin secret from the owner-only state file.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError
from sso_kit.sandbox.admin.client import AdminClient
from sso_kit.sandbox.directory import DEFAULT_USER, User

log = logging.getLogger(__name__)

__all__ = ["Sandbox", "User", "state_file_path"]

ENV_URL = "SSO_KIT_SANDBOX_URL"
ENV_ALLOWED_HOSTS = "SSO_KIT_SANDBOX_ALLOWED_HOSTS"  # more Host names for admin calls
ENV_ADMIN_KEY = "SSO_KIT_SANDBOX_ADMIN_KEY"  # the admin secret, for handles and `sso-kit sandbox`
SAVE_EVERY = 2.0  # seconds between saves to --data-dir
SAVE_RETRY_MAX = 60.0  # seconds: the longest wait between retries of a failed save


def state_file_path() -> Path:
    """``~/.sso-kit/sandbox.json``: how notebooks find the running sandbox."""
    return Path.home() / ".sso-kit" / "sandbox.json"


class Sandbox(AdminClient):
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
                        "saving the sandbox state to %s failed (%s: %s); retrying in %.0f s",
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

    # -- finding one ------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """What the state file records (includes the default user's password)."""
        return {
            "url": self.url,
            "public_url": self.public_url,
            "pid": self.pid,
            "start_url": self.start_url,
            "sso_region": self.sso_region,
            "admin_key": self.admin_key,
            "default_user": self.default_user.name if self.default_user else None,
            "users": [{"name": u.name, "password": u.password} for u in self.users.values()][:1000],
        }

    def write_state_file(self, path: str | Path | None = None) -> Path:
        from sso_kit.sandbox.persistence import write_json_private

        target = Path(path) if path else state_file_path()
        write_json_private(target, self.state())
        return target

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Sandbox:
        """A handle on a sandbox running elsewhere (no server in this process)."""
        handle = cls()
        handle._remote = data
        handle.admin_key = str(data.get("admin_key") or "")
        handle.pid = int(data.get("pid") or 0)
        users = {u["name"]: User(u["name"], u["password"]) for u in data.get("users", [])}
        name = data.get("default_user")
        handle.default_user = users.get(name) if name else None
        return handle

    @staticmethod
    def _health(url: str, timeout: float = 15.0) -> dict[str, Any] | None:
        # Generous: a sandbox that just started spends a few CPU-bound seconds warming moto
        # (see _start_warm_up) and may answer late; a dead one is refused at once anyway.
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/health", timeout=timeout) as r:
                data = json.loads(r.read())
                return data if data.get("service") == "sso-kit-sandbox" else None
        except (OSError, ValueError):
            return None

    @classmethod
    def ensure_running(cls, state_file: str | Path | None = None, **kw: Any) -> Sandbox:
        """Find a running sandbox, or start one in a background process.

        Order: ``SSO_KIT_SANDBOX_URL``; the state file (if its server answers); else
        ``python -m sso_kit sandbox`` in the background, which writes the state file.
        """
        env_url = os.environ.get(ENV_URL)
        if env_url:
            info = cls._health(env_url)
            if info is None:
                raise SandboxError(
                    f"{ENV_URL}={env_url} does not answer like an sso-kit sandbox.",
                    hint=f"Start one with `sso-kit sandbox`, or unset {ENV_URL}.",
                )
            url = env_url.rstrip("/")
            # The state file of the same sandbox (written by `sso-kit lab` / `sso-kit sandbox`)
            # also knows the sign-in password, which the health endpoint never tells.
            saved = cls._state_of(url, state_file)
            admin_key = os.environ.get(ENV_ADMIN_KEY) or saved.get("admin_key")
            return cls.from_state({**saved, **info, "url": url, "admin_key": admin_key})
        path = Path(state_file) if state_file else state_file_path()
        data = cls._read_state(path)
        if data.get("url") and cls._health(data["url"]):
            return cls.from_state(data)
        return cls.spawn(state_file=path, **kw)

    @classmethod
    def _state_of(cls, url: str, state_file: str | Path | None = None) -> dict[str, Any]:
        """The state file's contents if it describes the sandbox at ``url``, else {}."""
        saved = cls._read_state(state_file)
        return saved if str(saved.get("url", "")).rstrip("/") == url.rstrip("/") else {}

    @classmethod
    def admin_key_for(cls, url: str, state_file: str | Path | None = None) -> str | None:
        """The admin secret of the sandbox at ``url``: the environment's, else the state file's.

        For tools that hand a sandbox URL to other processes (kernels, a tutorial run in a
        temporary HOME): pass this on as ``SSO_KIT_SANDBOX_ADMIN_KEY`` with the URL.
        """
        key = os.environ.get(ENV_ADMIN_KEY) or cls._state_of(url, state_file).get("admin_key")
        return str(key) if key else None

    def environment(self) -> dict[str, str]:
        """The variables another process needs to find and steer this sandbox."""
        env = {ENV_URL: self.url, "SSO_KIT_SANDBOX_PUBLIC_URL": self.public_url}
        if self.admin_key:
            env[ENV_ADMIN_KEY] = self.admin_key
        return env

    @staticmethod
    def _read_state(state_file: str | Path | None) -> dict[str, Any]:
        """The state file's contents, or {} when it is missing or unreadable."""
        path = Path(state_file) if state_file else state_file_path()
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @classmethod
    def spawn(
        cls, state_file: str | Path | None = None, timeout: float = 60.0, **kw: Any
    ) -> Sandbox:
        """Start ``python -m sso_kit sandbox`` as a background process and wait for it."""
        path = Path(state_file) if state_file else state_file_path()
        args = [sys.executable, "-m", "sso_kit", "sandbox", "--port", str(kw.get("port", 0))]
        args += ["--host", kw.get("host", "127.0.0.1"), "--state-file", str(path)]
        if kw.get("auto_approve"):
            args.append("--auto-approve")
        if kw.get("learners"):
            args += ["--learners", str(kw["learners"])]
        for flag, key in (
            ("--seed", "seed"),
            ("--data-dir", "data_dir"),
            ("--public-url", "public_url"),
        ):
            if kw.get(key):
                args += [flag, str(kw[key])]
        path.unlink(missing_ok=True)
        log_path = path.with_suffix(".log")
        from sso_kit.sandbox.persistence import make_private_dir

        make_private_dir(log_path.parent)
        # The log holds the banner, with sign-in passwords: owner-only, like the state file.
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # also tighten a log an older version left world-readable
        with os.fdopen(fd, "ab") as log:
            process = subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SandboxError(
                    f"The sandbox process exited with code {process.returncode}.",
                    hint=f"See its log in {log_path}.",
                )
            if path.exists():
                try:
                    data = json.loads(path.read_text("utf-8"))
                except ValueError:
                    data = {}
                if data.get("pid") == process.pid and cls._health(data.get("url", "")):
                    handle = cls.from_state(data)
                    handle._process = process  # type: ignore[attr-defined]
                    return handle
            time.sleep(0.1)
        process.terminate()
        raise SandboxError(
            f"The sandbox did not start within {timeout:.0f} seconds.", hint=f"See {log_path}."
        )

    def terminate(self) -> None:
        """Stop a sandbox this handle spawned as a background process."""
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
