"""The admin secret through jupyter-server-proxy, as on JupyterHub and Binder.

A real Jupyter server with the real jupyter-server-proxy forwards ``/proxy/<port>/…`` to a
sandbox on loopback. The notebook server's own token opens the proxy; it is not the sandbox's
admin secret, so without ``X-SSO-Kit-Admin-Secret`` the admin API still answers 401.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from sso_kit.lean_imports import launcher
from sso_kit.sandbox import Sandbox
from sso_kit.sandbox.admin.auth import SECRET_HEADER

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def jupyter(tmp_path) -> Iterator[tuple[str, str]]:
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "HOME": str(tmp_path)}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR"):
        env[name] = str(tmp_path / name.lower())
    for name in ("SSO_KIT_SANDBOX_URL", "SSO_KIT_SANDBOX_ADMIN_KEY", "JUPYTERHUB_SERVICE_PREFIX"):
        env.pop(name, None)
    # started as `sso-kit lab` starts its server: without jsonschema's `iri` checker (3 s of CPU)
    cmd = [
        sys.executable,
        "-c",
        launcher("jupyter_server.serverapp"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
        "--ServerApp.allow_root=True",
    ]
    log = open(tmp_path / "jupyter.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "jupyter.log").read_text()
            try:
                request = urllib.request.Request(
                    f"{base}/api/status", headers={"Authorization": f"token {token}"}
                )
                with urllib.request.urlopen(request, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the Jupyter server did not start"
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def via_proxy(base: str, token: str, port: int, path: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{base}/proxy/{port}{path}",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_the_proxy_path_needs_the_same_secret(jupyter):
    base, token = jupyter
    with Sandbox(port=0) as sb:
        status, text = via_proxy(base, token, sb.port, "/_sandbox/admin/whoami")
        assert status == 401 and "admin secret" in text  # the Jupyter token is not enough
        status, _ = via_proxy(
            base, token, sb.port, "/_sandbox/admin/whoami", **{SECRET_HEADER: "x" * 40}
        )
        assert status == 401
        status, text = via_proxy(
            base, token, sb.port, "/_sandbox/admin/whoami", **{SECRET_HEADER: sb.admin_key}
        )
        assert status == 200 and '"admin": true' in text
        status, _ = via_proxy(
            base,
            token,
            sb.port,
            "/_sandbox/admin/whoami",
            Origin="http://evil.example",
            **{SECRET_HEADER: sb.admin_key},
        )
        assert status == 403
