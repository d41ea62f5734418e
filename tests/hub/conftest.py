"""A real JupyterHub on 127.0.0.1 for the workshop: PyPI jupyterhub, npm configurable-http-proxy.

The hub runs the recipe ``hub/jupyterhub_config.py`` unchanged (plus a driver service token for
the test) with its DummyAuthenticator and SimpleLocalProcessSpawner: 3 learners and an
instructor, every port picked free, every file under pytest's tmp folder. The proxy comes from
``.venv/node`` (``make test`` installs it there with npm).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from sso_kit.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
NODE_BIN = REPO / ".venv" / "node" / "node_modules" / ".bin"


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@dataclass
class Hub:
    url: str
    token: str
    folder: Path
    process: subprocess.Popen

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else {}

    def workshop(self) -> dict:
        return json.loads((self.folder / "workshop-data" / "workshop.json").read_text())

    def password(self, user: str) -> str:
        state = json.loads((self.folder / "workshop-data" / "sandbox-state.json").read_text())
        return state["directory"]["passwords"][user]

    def start_server(self, user: str, timeout: float = 240) -> None:
        try:
            self.api("POST", f"/users/{user}")
        except urllib.error.HTTPError as err:
            if err.code != 409:  # exists already
                raise
        try:
            self.api("POST", f"/users/{user}/server")
        except urllib.error.HTTPError as err:
            if err.code != 400:  # already running
                raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}")
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server:
                raise AssertionError(f"the server of {user} failed to start; see {self.folder}")
            time.sleep(1)
        raise AssertionError(f"the server of {user} did not start within {timeout} s")


def _wait(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if json.loads(response.read()).get("service") == "sso-kit-sandbox":
                    return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not (NODE_BIN / "configurable-http-proxy").exists():
        pytest.fail(
            "configurable-http-proxy is missing: npm install --prefix .venv/node "
            "configurable-http-proxy (make test does this)."
        )
    folder = tmp_path_factory.mktemp("hub")
    hub_port, sandbox_port, api_port, proxy_port = free_ports(4)
    token = secrets.token_hex(32)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{NODE_BIN}:{os.environ['PATH']}",
        "SSO_KIT_HUB_RECIPE": str(REPO / "hub" / "jupyterhub_config.py"),
        "SSO_KIT_HUB_DRIVER_TOKEN": token,
        "SSO_KIT_HUB_PORT": str(hub_port),
        "SSO_KIT_SANDBOX_PORT": str(sandbox_port),
        "SSO_KIT_HUB_API_PORT": str(api_port),
        "SSO_KIT_PROXY_API_PORT": str(proxy_port),
        "SSO_KIT_WORKSHOP_LEARNERS": "3",
        "SSO_KIT_HUB_HOMES": str(folder / "homes"),
    }
    log = open(folder / "hub.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(Path(__file__).with_name("hub_test_config.py"))],
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{hub_port}"
    try:
        _wait(f"{url}/services/sso-sandbox/_sandbox/health", 240)
        yield Hub(url, token, folder, process)
    finally:
        stop_process(process, 60.0, group=True)  # the hub, its proxy, servers and service
        log.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            yield chromium
        finally:
            chromium.close()
