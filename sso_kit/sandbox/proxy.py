"""Reach the sandbox's web pages from a browser that cannot reach the kernel's 127.0.0.1.

On JupyterHub or Binder the learner's browser only talks to the notebook server, so the
sandbox's sign-in and approval pages have to be served under that server's URL by
jupyter-server-proxy: ``<prefix>proxy/<port>/`` for any running sandbox, or the named entry
``<prefix>sso-sandbox/`` (a launcher tile, "IAM Identity Center sandbox"). The verification
URIs the sandbox hands out must then start with that address, which :func:`sandbox_public_url`
works out. Standard library only: JupyterLab imports this at start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sso_kit.net import LOOPBACK, free_port

__all__ = ["LAUNCHER_TITLE", "PROXY_NAME", "sandbox_public_url", "setup_sandbox_proxy"]

#: Name of the jupyter-server-proxy entry (pyproject's entry point): pages at ``<prefix>sso-sandbox/``.
PROXY_NAME = "sso-sandbox"
LAUNCHER_TITLE = "IAM Identity Center sandbox"


def _join(prefix: str, *parts: str) -> str:
    """``prefix`` + parts with exactly one slash between them and a trailing slash."""
    path = "/".join(p.strip("/") for p in (prefix, *parts) if p.strip("/"))
    return f"/{path}/" if path else "/"


def sandbox_public_url(port: int, environ: Mapping[str, str] | None = None) -> str | None:
    """Where the learner's browser reaches a sandbox listening on ``127.0.0.1:port``.

    ``SSO_KIT_SANDBOX_PUBLIC_URL`` wins when set. Inside JupyterHub/Binder
    (``JUPYTERHUB_SERVICE_PREFIX`` set) it is the notebook server's ``proxy/<port>/`` path,
    prefixed with ``JUPYTERHUB_PUBLIC_URL``'s origin when the hub publishes one (otherwise a
    host-relative path, which works for links clicked inside JupyterLab). ``None`` means the
    browser can reach the sandbox directly, so its own URL is the public one.
    """
    env = os.environ if environ is None else environ
    explicit = env.get("SSO_KIT_SANDBOX_PUBLIC_URL", "").strip()
    if explicit:
        return explicit
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX", "").strip()
    if not prefix:
        return None
    public = urlsplit(env.get("JUPYTERHUB_PUBLIC_URL", "").strip())
    origin = f"{public.scheme}://{public.netloc}" if public.scheme and public.netloc else ""
    return origin + _join(prefix, "proxy", str(int(port)))


def _running_sandbox_port(environ: Mapping[str, str]) -> int | None:
    """The port of an already-running loopback sandbox named by ``SSO_KIT_SANDBOX_URL``."""

    url = urlsplit(environ.get("SSO_KIT_SANDBOX_URL", "").strip())
    if url.hostname in LOOPBACK and url.port:
        return url.port
    return None


def setup_sandbox_proxy(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """jupyter-server-proxy entry point: the "IAM Identity Center sandbox" launcher tile.

    When a sandbox is already running (``sso-kit lab`` or ``binder/start`` exported
    ``SSO_KIT_SANDBOX_URL``), the tile proxies to *that* one: a second sandbox would hold
    different user codes and tokens than the one the notebooks talk to. Otherwise the first
    visit starts ``sso-kit sandbox`` on a free port, with verification URIs under the tile's
    own path.
    """
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {
        "timeout": 60,  # the sandbox imports moto before it listens
        "absolute_url": False,  # the sandbox sees "/device", not "/user/x/sso-sandbox/device"
        "new_browser_tab": True,
        "launcher_entry": {"enabled": True, "title": LAUNCHER_TITLE, "category": "Other"},
    }
    port = _running_sandbox_port(env)
    if port is not None:
        config.update(command=[], port=port)
    else:
        config["command"] = [
            sys.executable,
            "-m",
            "sso_kit",
            "sandbox",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--public-url",
            "{base_url}" + PROXY_NAME + "/",
        ]
        # The proxy passes the browser's Host on: let admin pages under the hub's name in.
        hub = urlsplit(env.get("JUPYTERHUB_PUBLIC_URL", "").strip())
        if hub.hostname:
            config["command"] += ["--allowed-host", hub.hostname]
    return config


def start_in_background(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Start ``sso-kit sandbox`` in its own session and return the variables that find it.

    For ``binder/start``: the notebook server (and every kernel) must know the sandbox's
    address and admin key before it starts, so this waits until the sandbox answers.
    """
    from sso_kit.sandbox import ENV_ADMIN_KEY, ENV_URL, Sandbox

    env = os.environ if environ is None else environ
    port = int(env.get("SSO_KIT_SANDBOX_PORT") or 0) or free_port()
    public = sandbox_public_url(port, env)
    handle = Sandbox.spawn(host="127.0.0.1", port=port, public_url=public)
    return {
        ENV_URL: handle.url,
        ENV_ADMIN_KEY: handle.admin_key,
        "SSO_KIT_SANDBOX_PUBLIC_URL": handle.public_url,
    }


def main(argv: list[str] | None = None) -> int:
    """Shell side of binder/start: ``public-url PORT`` or ``start-background`` (prints exports)."""
    import argparse
    import shlex

    parser = argparse.ArgumentParser(prog="python -m sso_kit.sandbox.proxy")
    sub = parser.add_subparsers(dest="command", required=True)
    public = sub.add_parser("public-url", help="print where browsers reach a sandbox on PORT")
    public.add_argument("port", type=int)
    sub.add_parser("start-background", help="start the sandbox, print `export` lines for it")
    args = parser.parse_args(argv)
    if args.command == "public-url":
        print(sandbox_public_url(args.port) or f"http://127.0.0.1:{args.port}")
    else:
        for name, value in start_in_background().items():
            print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
