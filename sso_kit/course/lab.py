"""``sso-kit lab`` / ``make lab``: the offline sandbox and JupyterLab, started and stopped together.

Why a supervisor: a learner types one command and gets JupyterLab on the tutorial with a sandbox
it can log in to. The sandbox runs in this process (a :class:`sso_kit.sandbox.Sandbox` thread,
not auto-approving: the learner approves in the browser); JupyterLab runs as a child process in
its own session, so a terminal Ctrl-C reaches only this supervisor, which then stops JupyterLab,
its kernels and the sandbox, in that order. A lock file makes a second ``make lab`` say where the
first one is instead of fighting over ports.

Top-level imports are standard library only (``sso-kit --help`` must stay cheap).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError, SsoKitError
from sso_kit.home import kit_home
from sso_kit.net import LOOPBACK_HOST, free_port, port_free

__all__ = [
    "LabAlreadyRunningError",
    "LabState",
    "jupyter_command",
    "lab_environment",
    "lab_home",
    "read_state",
    "run_lab",
    "stop_process_group",
    "wait_for_jupyter",
    "write_lab_settings",
]

START_NOTEBOOK = "00_start_here.md"
DEFAULT_PORT = 8888
_STOP_TIMEOUT = 20.0  # seconds JupyterLab gets to shut its kernels down before SIGKILL


class LabAlreadyRunningError(SsoKitError):
    """Another ``sso-kit lab`` holds the lock; its address is in the message."""


@dataclass(frozen=True)
class LabState:
    """What ``~/.sso-kit/lab.json`` records about the running lab (owner-only: it has the token)."""

    pid: int
    url: str  # JupyterLab on 00_start_here, with the token
    sandbox_url: str
    sandbox_public_url: str
    log: str


def lab_home() -> Path:
    """``~/.sso-kit/lab``: lock, state, log and the kit's own JupyterLab settings."""
    return kit_home() / "lab"


def _state_path() -> Path:
    return lab_home().parent / "lab.json"


def read_state() -> LabState | None:
    """The state file of a running lab, or None when there is none (or it is unreadable)."""
    try:
        return LabState(**json.loads(_state_path().read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _write_state(state: LabState) -> None:
    path = _state_path()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(asdict(state), fh, indent=2)
    os.replace(tmp, path)


# The notebooks are MyST Markdown: open .md files as notebooks (jupytext's viewer), so a
# double-click runs the tutorial and saving writes inputs only, never outputs.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    },
}


def write_lab_settings(settings_dir: Path) -> Path:
    """Write the kit's JupyterLab user settings: no news pop-up, .md opens as a notebook."""
    for plugin, values in LAB_SETTINGS.items():
        target = settings_dir / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    return settings_dir


# -- restarts: the same ports, a clean workspace -------------------------------------------------
def _ports_path() -> Path:
    return lab_home() / "ports.json"


def remembered_ports() -> dict[str, int]:
    """The ports the last lab used (``~/.sso-kit/lab/ports.json``), or {}."""
    try:
        data = json.loads(_ports_path().read_text())
    except (OSError, ValueError):
        return {}
    return (
        {k: int(v) for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}
    )


def remember_ports(**ports: int) -> None:
    """Keep this lab's ports, so the next one listens where profiles and bookmarks point."""
    path = _ports_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**remembered_ports(), **ports}))


def stable_port(requested: int, name: str) -> int:
    """``requested`` when given; else the port remembered under ``name`` if free; else a free one.

    A sandbox on the same port after a restart keeps every kit-written ``endpoint_url`` valid.
    """
    if requested:
        return requested
    last = remembered_ports().get(name)
    return last if last and port_free(last) else free_port()


def sandbox_data_dir() -> Path:
    """``~/.sso-kit/lab/sandbox-data``: the lab's sandbox keeps its users, client registrations,
    tokens and buckets here, so a restarted lab still knows the learner's login (delete it for a
    clean organisation)."""
    return lab_home() / "sandbox-data"


def reset_workspace(workspaces_dir: Path) -> None:
    """Forget the open tabs of the last lab: they reopen with stale outputs and one kernel each.

    JupyterLab then opens only its default URL (00_start_here) in a fresh layout.
    """
    if workspaces_dir.is_dir():
        for entry in workspaces_dir.glob("*.jupyterlab-workspace"):
            entry.unlink(missing_ok=True)


def terminal_config(
    config_dir: Path, python: str = sys.executable, name: str = "jupyter_server_config.json"
) -> Path:
    """A Jupyter server config whose terminals start through ``sso-kit env --shell``.

    So each terminal has the kit's CLI v2 and ``sso-kit`` first on PATH and, with a sandbox,
    ``AWS_ENDPOINT_URL``; kernels do not get ``AWS_ENDPOINT_URL`` (a notebook may target real AWS).
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    target = config_dir / name
    shell = [python, "-m", "sso_kit", "env", "--shell"]
    target.write_text(json.dumps({"ServerApp": {"terminado_settings": {"shell_command": shell}}}))
    return target


def jupyter_command(
    *,
    port: int,
    token: str | None,
    notebook_dir: Path,
    settings_dir: Path,
    workspaces_dir: Path,
    open_browser: bool = False,
    base_url: str = "/",
    python: str = sys.executable,
    config_file: Path | None = None,
) -> list[str]:
    """The JupyterLab command line: loopback only, a token, no news, opening 00_start_here.

    ``token=None`` leaves the token out of the argv (which any local user can read in ``ps``);
    the caller then hands it over in the ``JUPYTER_TOKEN`` environment variable instead.
    """
    return [
        python,
        "-m",
        "jupyterlab",
        f"--ip={LOOPBACK_HOST}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        *([f"--IdentityProvider.token={token}"] if token is not None else []),
        f"--ServerApp.root_dir={notebook_dir}",
        f"--ServerApp.base_url={base_url}",
        f"--ServerApp.default_url=/lab/tree/{START_NOTEBOOK}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.allow_root=True",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={workspaces_dir}",
        "--LabApp.news_url=None",
        "--LabApp.expose_app_in_browser=True",
        # text notebooks open with the kernel metadata Lab adds, so they open unmodified
        "--ServerApp.contents_manager_class=sso_kit.course.lab_contents.KitContentsManager",
        *([f"--config={config_file}"] if config_file is not None else []),
    ]


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
    """Treat SIGTERM/SIGHUP like Ctrl-C so every way of stopping runs the same clean-up."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_process_group(proc: subprocess.Popen[Any], timeout: float = _STOP_TIMEOUT) -> None:
    """SIGTERM the child (JupyterLab stops its kernels), then SIGKILL whatever is left in its group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # kernels or a hung server; started with setsid
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


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


def lab_environment(sandbox: Any, base: Mapping[str, str]) -> dict[str, str]:
    """The lab's (and so every kernel's) environment: where the running sandbox is.

    PATH starts with ``~/.sso-kit/bin`` (the kit's CLI v2, ``sso-kit``), so
    ``!aws`` in a notebook is v2 too. No ``AWS_ENDPOINT_URL``: only terminals get it.
    """
    from sso_kit.course.awscli import terminal_environment

    env = terminal_environment(base, sandbox_url=None)
    env["SSO_KIT_SANDBOX_URL"] = sandbox.url
    env["SSO_KIT_SANDBOX_PUBLIC_URL"] = sandbox.public_url
    env["SSO_KIT_SANDBOX_ADMIN_KEY"] = sandbox.admin_key  # the admin steps of notebook 01
    env.pop("SSO_KIT_HEADLESS", None)  # a person clicks here
    return env


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
                    _state_path().unlink()


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
        _write_state(state)
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
            stop_process_group(proc)
