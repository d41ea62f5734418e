"""What ``sso-kit lab`` prepares before it starts anything: its files and its command line.

Everything here is data a lab writes or computes under ``~/.sso-kit/lab``: the state file a
second ``make lab`` reads, the kit's JupyterLab settings, the server config that gives terminals
the kit's CLI, the ports a restart reuses, a clean workspace, and the JupyterLab command and
environment. Starting and stopping the processes is :mod:`sso_kit.course.lab`'s job; the browser
test starts its JupyterLab from the same pieces.

Top-level imports are standard library only (``sso-kit --help`` must stay cheap).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sso_kit.files import atomic_write
from sso_kit.home import kit_home
from sso_kit.lean_imports import launcher
from sso_kit.net import LOOPBACK_HOST, free_port, port_free

__all__ = [
    "DEFAULT_PORT",
    "LAB_SETTINGS",
    "START_NOTEBOOK",
    "LabState",
    "jupyter_command",
    "lab_environment",
    "lab_home",
    "read_state",
    "remember_ports",
    "remembered_ports",
    "reset_workspace",
    "sandbox_data_dir",
    "stable_port",
    "state_path",
    "terminal_config",
    "write_lab_settings",
    "write_state",
]

START_NOTEBOOK = "00_start_here.md"
DEFAULT_PORT = 8888


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


def state_path() -> Path:
    """``~/.sso-kit/lab.json``, next to the lab's folder."""
    return lab_home().parent / "lab.json"


def read_state() -> LabState | None:
    """The state file of a running lab, or None when there is none (or it is unreadable)."""
    try:
        return LabState(**json.loads(state_path().read_text()))
    except (OSError, ValueError, TypeError):
        return None


def write_state(state: LabState) -> None:
    """Write the state file atomically, owner-only (the URL carries JupyterLab's token)."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(asdict(state), indent=2).encode("utf-8"), 0o600)


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


#: ``python -c`` code that starts JupyterLab as ``python -m jupyterlab`` does, without
#: jsonschema's ``iri`` format checker (:mod:`sso_kit.lean_imports`: seconds of CPU per start).
LAB_LAUNCHER = launcher("jupyterlab.labapp")


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
        "-c",
        LAB_LAUNCHER,
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
