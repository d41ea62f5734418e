"""Finding a sandbox from another process: the state file, ``SSO_KIT_SANDBOX_URL``, spawning.

A mixin of ``Sandbox``. The state file (owner-only) records the URL, the sign-in details and
the admin secret, so a handle made from it can steer the sandbox like its owner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

from sso_kit.errors import SandboxError
from sso_kit.home import kit_home
from sso_kit.processes import stop_process
from sso_kit.sandbox.passwords import User

ENV_URL = "SSO_KIT_SANDBOX_URL"
ENV_ALLOWED_HOSTS = "SSO_KIT_SANDBOX_ALLOWED_HOSTS"  # more Host names for admin calls
ENV_ADMIN_KEY = "SSO_KIT_SANDBOX_ADMIN_KEY"  # the admin secret, for handles and `sso-kit sandbox`


def state_file_path() -> Path:
    """``~/.sso-kit/sandbox.json``: how notebooks find the running sandbox."""
    return kit_home() / "sandbox.json"


class Finding:
    """Mixin for ``Sandbox``: the state file, finding a running sandbox, spawning one."""

    url: str
    public_url: str
    start_url: str
    sso_region: str
    users: dict[str, User]
    admin_key: str | None
    default_user: User | None
    pid: int
    _remote: dict[str, Any] | None

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
    def from_state(cls, data: dict[str, Any]) -> Self:
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
    def ensure_running(cls, state_file: str | Path | None = None, **kw: Any) -> Self:
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
    def spawn(cls, state_file: str | Path | None = None, timeout: float = 60.0, **kw: Any) -> Self:
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
            stop_process(process, 15.0)
