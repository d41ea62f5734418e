"""sso_kit.course.lab and lab_setup pieces that need no running servers: command line, settings, lock, bad input."""

from __future__ import annotations

import json
import socket

import pytest

from sso_kit.course import lab, lab_setup
from sso_kit.errors import SsoKitError
from sso_kit.net import free_port


def test_jupyter_command_binds_loopback_with_token_and_opens_the_start_notebook(tmp_path):
    cmd = lab_setup.jupyter_command(
        port=9999,
        token="t0k",
        notebook_dir=tmp_path / "nb",
        settings_dir=tmp_path / "s",
        workspaces_dir=tmp_path / "w",
    )
    assert cmd[1:3] == ["-c", lab_setup.LAB_LAUNCHER]
    assert "--ip=127.0.0.1" in cmd and "--port=9999" in cmd
    assert "--ServerApp.port_retries=0" in cmd, "never drift to another port silently"
    assert "--IdentityProvider.token=t0k" in cmd
    assert "--ServerApp.allow_root=True" in cmd
    assert "--ServerApp.default_url=/lab/tree/00_start_here.md" in cmd
    assert f"--LabApp.user_settings_dir={tmp_path / 's'}" in cmd
    assert "--ServerApp.open_browser=False" in cmd


def test_lab_settings_switch_the_news_question_off(tmp_path):
    lab_setup.write_lab_settings(tmp_path)
    path = tmp_path / "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(path.read_text()) == {"fetchNews": "false"}


def test_lab_settings_open_text_notebooks_as_notebooks(tmp_path):
    lab_setup.write_lab_settings(tmp_path)
    path = tmp_path / "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
    viewers = json.loads(path.read_text())["defaultViewers"]
    assert viewers["markdown"] == viewers["myst"] == "Jupytext Notebook"


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_missing_notebooks_give_a_next_step_and_start_nothing(tmp_path):
    with pytest.raises(SsoKitError, match=r"00_start_here.md is missing.*--notebook-dir"):
        lab.run_lab(notebook_dir=tmp_path, open_browser=False)
    assert not (lab_setup.lab_home().parent / "lab.json").exists()


def test_a_second_lab_names_the_first_one_instead_of_starting(tmp_path):
    from filelock import FileLock

    (tmp_path / "00_start_here.md").write_text("{}")
    home = lab_setup.lab_home()
    home.mkdir(parents=True)
    state = lab_setup.LabState(
        pid=4242,
        url="http://127.0.0.1:8888/lab/tree/00_start_here.md?token=abc",
        sandbox_url="http://127.0.0.1:1",
        sandbox_public_url="http://127.0.0.1:1",
        log="x",
    )
    lab_setup.write_state(state)
    holder = FileLock(str(home / "lab.lock"))
    holder.acquire()
    try:
        with pytest.raises(lab.LabAlreadyRunningError) as info:
            lab.run_lab(notebook_dir=tmp_path, open_browser=False)
    finally:
        holder.release()
    assert "already running at http://127.0.0.1:8888/lab/tree/00_start_here.md" in str(info.value)
    assert "pid 4242" in str(info.value)
    assert lab_setup.read_state() == state, (
        "the refused start must not touch the running lab's state"
    )


def test_state_file_is_owner_only_because_it_holds_the_token():
    lab_setup.lab_home().mkdir(parents=True)
    lab_setup.write_state(
        lab_setup.LabState(pid=1, url="u", sandbox_url="s", sandbox_public_url="s", log="l")
    )
    mode = (lab_setup.lab_home().parent / "lab.json").stat().st_mode & 0o777
    assert mode == 0o600


def test_cli_registers_lab_with_its_options():
    from sso_kit.cli import build_parser
    from sso_kit.cli import lab as lab_cli

    args = build_parser().parse_args(["lab", "--port", "0", "--no-browser"])
    assert args.func is lab_cli._cmd_lab
    assert args.port == 0 and args.no_browser and args.public_url is None


def test_the_launcher_is_jupyterlab_without_the_iri_format_checker():
    import subprocess
    import sys

    import jupyterlab

    version = subprocess.run(
        [sys.executable, "-c", lab_setup.LAB_LAUNCHER, "--version"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert version.stdout.strip() == jupyterlab.__version__
    prefix = lab_setup.LAB_LAUNCHER.split("from jupyterlab")[0]
    probe = prefix + (
        "import jupyter_events.logger, jsonschema; "
        "print(sys.modules['rfc3987_syntax'], jsonschema.FormatChecker().conforms('x y', 'iri'))"
    )
    seen = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert seen.stdout.split() == ["None", "True"]  # not imported; "iri" simply not checked
