"""cheroot's socket files on the C ``io`` module, for a room's burst of small requests.

cheroot reads and writes every connection through ``_pyio``, the pure-Python ``io`` (it needs
to ask its buffered reader whether a request is already waiting, which the C reader does not
say). So each request line and header line is read a few bytes at a time in Python, and each
write goes through a Python buffer: about a third of the server's instructions for a small
JSON call (callgrind: 518k → 329k instructions a request for a trivial app, 50 clients).

Here the reader is ``io.BufferedReader`` itself and the writer sends straight to the socket
(cheroot writes whole header blocks and body chunks, and flushes after each). "Is a request
waiting?" is answered with a non-blocking ``peek``: bytes already buffered, or already on the
socket, are served at once instead of through another round of the selector; none, and the
connection goes back to the selector as before. TLS is not used by the sandbox; a server with
an SSL adapter keeps cheroot's own files.
"""

from __future__ import annotations

import io
import socket
from typing import Any

from cheroot.makefile import MakeFile
from cheroot.server import HTTPConnection

__all__ = ["Connection", "SocketReader", "SocketWriter"]


class SocketReader(io.BufferedReader):
    """A connection's request stream: C buffered reads, with cheroot's ``has_data``."""

    #: cheroot counts bytes here only for its statistics, which the sandbox leaves off
    bytes_read = 0

    def __init__(self, sock: socket.socket, bufsize: int = io.DEFAULT_BUFFER_SIZE) -> None:
        super().__init__(socket.SocketIO(sock, "rb"), bufsize)  # type: ignore[arg-type]
        self._sock = sock

    def has_data(self) -> bool:
        """True when the next request's first bytes can be read without waiting."""
        timeout = self._sock.gettimeout()
        self._sock.settimeout(0)  # SocketIO answers "nothing yet" instead of blocking
        try:
            return bool(self.peek(1))
        except (OSError, ValueError):  # reset or closed: the selector and a worker find out
            return False
        finally:
            self._sock.settimeout(timeout)


class SocketWriter:
    """A connection's response stream: every write is sent whole (cheroot flushes each)."""

    bytes_written = 0  # as SocketReader.bytes_read

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, data: bytes) -> int:
        self._sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered."""

    def close(self) -> None:
        """The socket is cheroot's to close."""


def _files(sock: socket.socket, mode: str, bufsize: int) -> Any:
    return SocketReader(sock, bufsize) if "r" in mode else SocketWriter(sock)


class Connection(HTTPConnection):
    """cheroot's connection with the files above (cheroot's own under TLS)."""

    def __init__(self, server: Any, sock: socket.socket, makefile: Any = MakeFile) -> None:
        if server.ssl_adapter is None:
            makefile = _files
        super().__init__(server, sock, makefile)
