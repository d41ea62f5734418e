"""``sso-kit lab`` / ``make lab``: the offline sandbox and JupyterLab, started and stopped together.

Why a supervisor: a learner types one command and gets JupyterLab on the tutorial with a sandbox
it can log in to. The sandbox runs in this process (a :class:`sso_kit.sandbox.Sandbox` thread,
not auto-approving: the learner approves in the browser); JupyterLab runs as a child process in
its own session, so a terminal Ctrl-C reaches only this supervisor, which then stops JupyterLab,
its kernels and the sandbox, in that order. A lock file makes a second ``make lab`` say where the
first one is instead of fighting over ports.

What the lab writes and the command it runs are in :mod:`sso_kit.course.lab_setup`; this module
starts, watches and stops the processes. Top-level imports are standard library only
(``sso-kit --help`` must stay cheap).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sso_kit.course.lab_setup import (
    DEFAULT_PORT,
    START_NOTEBOOK,
    LabState,
    jupyter_command,
    lab_environment,
    lab_home,
    read_state,
    remember_ports,
    reset_workspace,
    sandbox_data_dir,
    stable_port,
    state_path,
    terminal_config,
    write_lab_settings,
    write_state,
)
from sso_kit.errors import SandboxError, SsoKitError
from sso_kit.net import LOOPBACK_HOST, free_port, port_free
from sso_kit.processes import stop_process

__all__ = [
    "LabAlreadyRunningError",
    "ensure_terminal_tools",
    "run_lab",
    "wait_for_jupyter",
]

_STOP_TIMEOUT = 20.0  # seconds JupyterLab gets to shut its kernels down before SIGKILL


class LabAlreadyRunningError(SsoKitError):
    """Another ``sso-kit lab`` holds the lock; its address is in the message."""


def wait_for_jupyter(
    base: str, token: str, proc: subprocess.Popen[Any], *, timeout: float = 120.0
) -> None:
    """Poll ``/api/status`` until JupyterLab answers; fail fast if the process dies."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"{base.rstrip('/')}/api/status", headers={"Authorization": f"token {token}"}
    )
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SsoKitError(
                f"JupyterLab exited while starting (exit code {proc.returncode}).",
                hint="Read its log (path above) for the reason, then run `make lab` again.",
            )
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.25)
    raise SsoKitError(
        f"JupyterLab did not answer within {timeout:.0f} s.",
        hint="Read its log for the reason, then run `make lab` again.",
    )


def _default_notebook_dir() -> Path:
    """The repository's notebooks/ (editable install), else ./notebooks."""
    repo = Path(__file__).resolve().parents[2] / "notebooks"
    return repo if repo.is_dir() else Path.cwd() / "notebooks"


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Hold the lab lock for the duration, or say where the lab that holds it is."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        state = read_state()
        where = f" at {state.url} (pid {state.pid})" if state else ""
        raise LabAlreadyRunningError(
            f"sso-kit lab is already running{where}.",
            hint="Open that address, or stop it with Ctrl-C in its terminal before starting another.",
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _shielded() -> Iterator[None]:
    """Ignore a second Ctrl-C while cleaning up, so the clean-up itself is never cut short."""
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM/SIGHUP like Ctrl-C so every way of stopping runs the same clean-up.

    SIGINT is set too: a shell that starts a command in the background ignores SIGINT for it,
    and Python then never turns Ctrl-C (or ``kill -INT``) into KeyboardInterrupt.
    """

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    sigs = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {sig: signal.signal(sig, interrupt) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _banner(state: LabState, sandbox: Any) -> str:
    user = sandbox.default_user
    lines = [
        "",
        "sso-kit lab is running.",
        "",
        f"  JupyterLab:  {state.url}",
        f"  Sandbox:     {state.sandbox_url}",
    ]
    if state.sandbox_public_url != state.sandbox_url:
        lines.append(f"  Browser:     {state.sandbox_public_url}  (sandbox pages, via JupyterLab)")
    lines += [
        f"  Start URL:   {sandbox.start_url}",
        f"  SSO region:  {sandbox.sso_region}",
        f"  Sign in as:  {user.name}  password: {user.password}",
        f"  Log:         {state.log}",
        "",
        f"Open the JupyterLab link and begin with {START_NOTEBOOK}. Press Ctrl-C to stop both.",
        "",
    ]
    return "\n".join(lines)


def run_lab(
    *,
    port: int = DEFAULT_PORT,
    sandbox_port: int = 0,
    public_url: str | None = None,
    notebook_dir: Path | None = None,
    open_browser: bool = True,
    out: Any = None,
) -> int:
    """Start the sandbox and JupyterLab, print where they are, and run until interrupted."""
    out = out or sys.stdout
    notebook_dir = (notebook_dir or _default_notebook_dir()).resolve()
    if not (notebook_dir / START_NOTEBOOK).is_file():
        raise SsoKitError(
            f"No tutorial notebooks in {notebook_dir} ({START_NOTEBOOK} is missing).",
            hint="Run `make lab` from the sso-kit repository, or pass --notebook-dir.",
        )
    home = lab_home()
    home.mkdir(parents=True, exist_ok=True)
    with _lock(home / "lab.lock"), _sigterm_as_interrupt():
        if port and not port_free(port):
            chosen = free_port()
            print(f"Port {port} is busy; JupyterLab uses {chosen} instead.", file=out)
            port = chosen
        port = port or free_port()
        sandbox_port = stable_port(sandbox_port, "sandbox")
        started = time.monotonic()
        print(
            f"Starting the offline sandbox on {LOOPBACK_HOST}:{sandbox_port} "
            "(the first start loads moto: up to a minute) ...",
            file=out,
            flush=True,
        )

        from sso_kit.sandbox import Sandbox, state_file_path
        from sso_kit.sandbox.proxy import sandbox_public_url

        env = {k: v for k, v in os.environ.items() if not k.startswith("SSO_KIT_SANDBOX_")}
        public = public_url or sandbox_public_url(sandbox_port)  # explicit setting or JupyterHub
        try:
            sandbox = Sandbox(
                host=LOOPBACK_HOST,
                port=sandbox_port,
                public_url=public,
                auto_approve=False,
                data_dir=sandbox_data_dir(),
            ).start()
        except SsoKitError:
            raise
        except Exception as exc:
            raise SandboxError(
                f"The sandbox could not start on {LOOPBACK_HOST}:{sandbox_port}: {exc}",
                hint="Run `sso-kit sandbox` alone to see why, then `make lab` again.",
            ) from exc
        try:
            sandbox.write_state_file()  # terminals outside the lab find it too
            remember_ports(sandbox=sandbox_port)
            print(f"Sandbox ready ({time.monotonic() - started:.0f} s).", file=out, flush=True)
            _report_repairs(sandbox, out)
            ensure_terminal_tools(out)
            return _serve(sandbox, env, port, notebook_dir, home, open_browser, out)
        finally:
            with _shielded():
                sandbox.stop()
                state_file_path().unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    state_path().unlink()


def ensure_terminal_tools(out: Any) -> None:
    """``sso-kit`` and a CLI v2 in ``~/.sso-kit/bin`` for the lab's terminals, or say how to get one.

    Installing needs AWS's download (or ``SSO_KIT_AWSCLI_SOURCE``, a local wheel or sdist); a lab
    without a CLI v2 still runs, since every step also has its widget.
    """
    from sso_kit.course import awscli

    awscli.link_sso_kit()
    best = awscli.preferred()
    if best is not None:
        print(f"AWS CLI for terminals: {best.version_text} ({best.path})", file=out, flush=True)
        return
    print(
        "No AWS CLI v2 (2.13.0+) found; installing one into ~/.sso-kit/awscli-v2 ...",
        file=out,
        flush=True,
    )
    try:
        awscli.ensure_installed(progress=lambda line: print(f"  {line}", file=out, flush=True))
    except SsoKitError as exc:
        print(f"Note: terminals will have no AWS CLI v2. {exc}", file=out, flush=True)


def _report_repairs(sandbox: Any, out: Any) -> None:
    """Move kit-written profiles from a dead sandbox address to this one, and say so."""
    from sso_kit.course.endpoints import repair_stale_endpoints

    try:
        repairs = repair_stale_endpoints(sandbox.url, sandbox.start_url)
    except SsoKitError as exc:  # an unparsable config is doctor's business, not a lab failure
        print(f"Note: could not check ~/.aws/config for old sandbox addresses: {exc}", file=out)
        return
    for r in repairs:
        print(
            f"Profile '{r.profile}': endpoint_url {r.old} (nothing there) -> {r.new}"
            + (f" (backup: {r.backup})" if r.backup else ""),
            file=out,
            flush=True,
        )


def _serve(
    sandbox: Any,
    env: Mapping[str, str],
    port: int,
    notebook_dir: Path,
    home: Path,
    open_browser: bool,
    out: Any,
) -> int:
    """Run JupyterLab until Ctrl-C (0) or until it dies on its own (an error)."""
    token = secrets.token_hex(24)
    log_path = home / "jupyter.log"
    cmd = jupyter_command(
        port=port,
        token=None,  # passed as JUPYTER_TOKEN: argv is world-readable
        notebook_dir=notebook_dir,
        settings_dir=write_lab_settings(home / "settings"),
        workspaces_dir=home / "workspaces",
        open_browser=open_browser,
        config_file=terminal_config(home / "config"),
    )
    reset_workspace(home / "workspaces")
    base = f"http://{LOOPBACK_HOST}:{port}"
    # owner-only: JupyterLab logs its address with the token
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(log_path, 0o600)  # a log left by an older run may be readable by others
    with os.fdopen(fd, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=notebook_dir,
            env={**lab_environment(sandbox, env), "JUPYTER_TOKEN": token},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, not JupyterLab's y/n prompt
        )
    try:
        print(f"Starting JupyterLab on {base} (log: {log_path}) ...", file=out, flush=True)
        wait_for_jupyter(base, token, proc)
        state = LabState(
            pid=os.getpid(),
            url=f"{base}/lab/tree/{START_NOTEBOOK}?token={token}",
            sandbox_url=sandbox.url,
            sandbox_public_url=sandbox.public_url,
            log=str(log_path),
        )
        write_state(state)
        print(_banner(state, sandbox), file=out, flush=True)
        while proc.poll() is None:
            time.sleep(0.5)
        raise SsoKitError(
            f"JupyterLab stopped on its own (exit code {proc.returncode}).",
            hint=f"Read {log_path} for the reason, then run `make lab` again.",
        )
    except KeyboardInterrupt:
        print("\nStopping JupyterLab and the sandbox ...", file=out, flush=True)
        return 0
    finally:
        with _shielded():
            stop_process(proc, _STOP_TIMEOUT, group=True)
