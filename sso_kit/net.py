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
    """Whether ``port`` can be bound on ``host`` right now."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True
