"""``python -m sso_kit lab`` as a learner runs it: both servers answer, Ctrl-C leaves nothing.

The command runs as a real subprocess with a temporary HOME and free ports; the sandbox is
checked with an unmodified boto3 ``sso-oidc`` client, JupyterLab through its REST API.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sso_kit.net import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 180.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is gone for our purposes
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def _children(pid: int) -> list[int]:
    """Every descendant pid (via /proc), so we can prove none outlives the lab."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found + [d for c in found for d in _children(c)]


def _wait_for_state(home: Path, proc: subprocess.Popen[str]) -> dict:
    state_file = home / ".sso-kit" / "lab.json"
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"sso-kit lab exited early ({proc.returncode}):\n{out}\n{err}")
        if state_file.exists():
            return json.loads(state_file.read_text())
        time.sleep(0.25)
    pytest.fail("sso-kit lab did not write ~/.sso-kit/lab.json (not ready)")


@pytest.fixture
def lab_env(isolated_aws_home, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    env = dict(os.environ)
    env.pop("SSO_KIT_SANDBOX_URL", None)
    env.pop("JUPYTERHUB_SERVICE_PREFIX", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())
    return env, notebooks


def _background_shell() -> None:
    """What a shell gives a command it starts with ``&``: SIGINT ignored (Python then never
    raises KeyboardInterrupt); the lab must stop on SIGINT all the same."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(env: dict, notebooks: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sso_kit",
            "lab",
            "--no-browser",
            "--port",
            str(port),
            "--notebook-dir",
            str(notebooks),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_background_shell,
    )


def test_lab_serves_jupyterlab_and_the_sandbox_and_ctrl_c_stops_both(lab_env):
    env, notebooks = lab_env
    home = Path(env["HOME"])
    proc = _start(env, notebooks, free_port())
    try:
        state = _wait_for_state(home, proc)
        token = re.search(r"token=([0-9a-f]+)", state["url"]).group(1)

        # JupyterLab answers its API with the printed token, serving our notebooks
        base = state["url"].split("/lab/")[0]
        req = urllib.request.Request(
            f"{base}/api/contents", headers={"Authorization": f"token {token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            names = {item["name"] for item in json.load(resp)["content"]}
        assert "00_start_here.md" in names

        # the sandbox answers an unmodified boto3 sso-oidc client
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        oidc = boto3.client(
            "sso-oidc",
            region_name="us-east-1",
            endpoint_url=state["sandbox_url"],
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
        )
        registration = oidc.register_client(clientName="lab-test", clientType="public")
        assert registration["clientId"]

        # the kernels get the sandbox's address through the lab's environment
        jupyter_pids = [p for p in _children(proc.pid) if "jupyterlab" in _cmdline(p)]
        assert len(jupyter_pids) == 1
        environ = Path(f"/proc/{jupyter_pids[0]}/environ").read_bytes().split(b"\0")
        assert f"SSO_KIT_SANDBOX_URL={state['sandbox_url']}".encode() in environ
        # ... but not AWS_ENDPOINT_URL: a kernel may talk to real AWS; only terminals get it
        assert not any(v.startswith(b"AWS_ENDPOINT_URL=") for v in environ)
        # a terminal (File > New > Terminal) is a shell with the sandbox's AWS_ENDPOINT_URL and
        # the kit's bin first on PATH
        _api(base, token, "POST", "api/terminals")
        shell_env = _terminal_shell_environ(jupyter_pids[0])
        assert shell_env["AWS_ENDPOINT_URL"] == state["sandbox_url"]
        assert shell_env["PATH"].split(os.pathsep)[0] == str(home / ".sso-kit" / "bin")
        assert (home / ".sso-kit" / "bin" / "sso-kit").exists(), "sso-kit is on that PATH"

        # the token is a credential: not in the argv other users see in `ps`, and the log
        # JupyterLab writes it to is owner-only
        assert token not in _cmdline(jupyter_pids[0])
        assert Path(state["log"]).stat().st_mode & 0o077 == 0

        # a second lab says where the first one is instead of fighting over ports
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "sso_kit",
                "lab",
                "--no-browser",
                "--notebook-dir",
                str(notebooks),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        # ... as information, not as a failure (make lab exits 0)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert base in second.stdout
        assert "error" not in second.stdout + second.stderr

        descendants = _children(proc.pid)
        assert descendants, "JupyterLab should run as a child process"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 0, err
    assert "Stopping JupyterLab and the sandbox" in out
    assert "Sign in as:" in out and "Start URL:" in out
    assert token not in err, "the token belongs in the printed URL only"
    leftovers = [pid for pid in descendants if _alive(pid)]
    assert not leftovers, f"still running after Ctrl-C: {[_cmdline(p) for p in leftovers]}"
    assert not (home / ".sso-kit" / "lab.json").exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/api/status", timeout=5)
    with pytest.raises(OSError):
        urllib.request.urlopen(state["sandbox_url"], timeout=5)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _api(base: str, token: str, method: str, path: str) -> None:
    req = urllib.request.Request(
        f"{base}/{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    urllib.request.urlopen(req, timeout=30).close()


def _terminal_shell_environ(jupyter_pid: int) -> dict[str, str]:
    """The environment of the interactive shell a new terminal runs (after sso-kit env execs it)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for pid in _children(jupyter_pid):
            if _cmdline(pid).split(" ")[-2:-1] == ["-i"]:
                raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                return dict(v.decode().split("=", 1) for v in raw if b"=" in v)
        time.sleep(0.5)
    pytest.fail("no interactive shell started for the terminal")


def _put_workspace(base: str, token: str) -> None:
    """What a browser leaves behind: a workspace with two notebooks open."""
    body = {
        "data": {
            "layout-restorer:data": {
                "main": {
                    "dock": {
                        "type": "tab-area",
                        "widgets": ["notebook:05_configure_profile.md", "notebook:06_login.md"],
                    }
                }
            }
        },
        "metadata": {"id": "default"},
    }
    req = urllib.request.Request(
        f"{base}/lab/api/workspaces/default",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=30).close()


def _log_in(profile: str) -> None:
    """Device-code login with the kit, approved as the sandbox's default user."""
    from sso_kit.login import DeviceLogin
    from sso_kit.sandbox import Sandbox, state_file_path

    flow = DeviceLogin(profile=profile)
    pending = flow.start()
    Sandbox.from_state(json.loads(state_file_path().read_text())).approve(pending.user_code)
    assert flow.wait().expires_at is not None


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out


def test_a_restarted_lab_keeps_its_addresses_and_the_learner_logs_in_again(lab_env):
    from sso_kit.config import configure_profile, read_profile

    env, notebooks = lab_env
    home = Path(env["HOME"])
    port = free_port()
    first = _start(env, notebooks, port)
    try:
        state = _wait_for_state(home, first)
        token = re.search(r"token=([0-9a-f]+)", state["url"]).group(1)
        _put_workspace(state["url"].split("/lab/")[0], token)
        configure_profile(
            "sso-kit-tutorial",
            sso_session="sso-kit",
            start_url="https://my-sso-portal.awsapps.com/start",
            sso_region="us-east-1",
            region="us-east-1",
            endpoint_url=state["sandbox_url"],
        )
        _log_in("sso-kit-tutorial")
        _stop(first)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    # a profile written by a lab from before the sandbox kept its port: nothing listens there
    configure_profile(
        "old-lab",
        sso_session="sso-kit",
        start_url="https://my-sso-portal.awsapps.com/start",
        sso_region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
    )
    assert list((home / ".sso-kit" / "lab" / "workspaces").glob("*.jupyterlab-workspace"))

    # straight away, with the first lab's sockets still in TIME-WAIT
    second = _start(env, notebooks, port)
    try:
        again = _wait_for_state(home, second)
        assert again["sandbox_url"] == state["sandbox_url"], "the sandbox came back elsewhere"
        assert f"127.0.0.1:{port}/" in again["url"], "JupyterLab moved off its port"
        assert read_profile("old-lab")["endpoint_url"] == state["sandbox_url"]
        assert not list((home / ".sso-kit" / "lab" / "workspaces").glob("*.jupyterlab-workspace"))
        _log_in("sso-kit-tutorial")
        _log_in("old-lab")
        out = _stop(second)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    assert "is busy" not in out
    assert "Profile 'old-lab': endpoint_url" in out and "(nothing there)" in out
    assert "Starting the offline sandbox" in out and "Sandbox ready" in out
