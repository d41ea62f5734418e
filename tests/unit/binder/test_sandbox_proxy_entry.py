"""The jupyter-server-proxy entry and the public URL the sandbox hands to browsers."""

from __future__ import annotations

import sys
import warnings

import pytest

from sso_kit.sandbox.proxy import (
    LAUNCHER_TITLE,
    PROXY_NAME,
    sandbox_public_url,
    setup_sandbox_proxy,
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({}, None, id="locally the browser reaches the sandbox directly"),
        pytest.param(
            {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada/"},
            "/user/ada/proxy/8765/",
            id="behind JupyterHub the pages go through the server's proxy path",
        ),
        pytest.param(
            {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada"},
            "/user/ada/proxy/8765/",
            id="a prefix without its trailing slash still gives one slash per part",
        ),
        pytest.param(
            {
                "JUPYTERHUB_SERVICE_PREFIX": "/user/ada/",
                "JUPYTERHUB_PUBLIC_URL": "https://hub.example.org/",
            },
            "https://hub.example.org/user/ada/proxy/8765/",
            id="a hub that publishes its address gets absolute links (QR codes work)",
        ),
        pytest.param(
            {
                "JUPYTERHUB_SERVICE_PREFIX": "/user/ada/",
                "SSO_KIT_SANDBOX_PUBLIC_URL": "https://lab.example.org/sandbox/",
            },
            "https://lab.example.org/sandbox/",
            id="an explicit setting wins over detection",
        ),
    ],
)
def test_public_url(env, expected):
    assert sandbox_public_url(8765, env) == expected


def test_public_url_cli_prints_the_direct_address_when_no_proxy_is_needed(capsys, monkeypatch):
    from sso_kit.sandbox.proxy import main

    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.delenv("SSO_KIT_SANDBOX_PUBLIC_URL", raising=False)
    assert main(["public-url", "4321"]) == 0
    assert capsys.readouterr().out.strip() == "http://127.0.0.1:4321"


def test_without_a_running_sandbox_the_tile_starts_one_under_its_own_path():
    config = setup_sandbox_proxy({})
    cmd = config["command"]
    assert cmd[:4] == [sys.executable, "-m", "sso_kit", "sandbox"]
    assert cmd[cmd.index("--port") + 1] == "{port}"
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--public-url") + 1] == "{base_url}" + PROXY_NAME + "/"
    assert "--auto-approve" not in cmd
    assert config["launcher_entry"]["title"] == LAUNCHER_TITLE


def test_with_a_running_sandbox_the_tile_proxies_to_that_one_instead_of_starting_another():
    config = setup_sandbox_proxy({"SSO_KIT_SANDBOX_URL": "http://127.0.0.1:40123"})
    assert config["command"] == []
    assert config["port"] == 40123


def test_a_remote_sandbox_url_is_not_proxied():
    config = setup_sandbox_proxy({"SSO_KIT_SANDBOX_URL": "https://sandbox.example.org:443"})
    assert config["command"], "only loopback sandboxes can be attached to"


def test_jupyter_server_proxy_loads_the_entry_point_and_accepts_the_config(monkeypatch):
    """The real loader: entry point from the installed metadata, ServerProcess traitlets."""
    from jupyter_server_proxy.config import get_entrypoint_server_processes

    monkeypatch.delenv("SSO_KIT_SANDBOX_URL", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a config jupyter-server-proxy rejects only warns
        processes = {p.name: p for p in get_entrypoint_server_processes()}
    process = processes[PROXY_NAME]
    assert process.launcher_entry.title == LAUNCHER_TITLE
    assert process.launcher_entry.enabled
    assert process.new_browser_tab is True
    assert process.absolute_url is False
    assert process.timeout >= 30
