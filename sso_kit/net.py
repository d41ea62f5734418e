"""Loopback addresses and free ports: where the kit's local servers listen.

One place for them, so the sandbox, the PKCE callback listener, the lab and the tests agree on
what "local" means and never pick a fixed port that a parallel run may hold.
"""

from __future__ import annotations

import socket

#: The address every local server of the kit binds by default.
LOOPBACK_HOST = "127.0.0.1"
#: Host names that reach only this machine.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def free_port(host: str = LOOPBACK_HOST) -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_free(port: int, host: str = LOOPBACK_HOST) -> bool:
    """Whether a server could listen on ``port`` on ``host`` right now.

    With SO_REUSEADDR, as JupyterLab and the sandbox bind: sockets of a server that just
    stopped linger in TIME-WAIT for a minute, and they do not stop a new one from listening.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine (the sandbox's kind of endpoint)."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in LOOPBACK


def endpoint_listening(url: str, timeout: float = 2.0) -> bool:
    """Whether anything accepts a TCP connection at ``url``'s host and port (no request sent)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False
