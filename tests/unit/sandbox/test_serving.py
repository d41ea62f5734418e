"""The sandbox's HTTP layer (ServerThread) on real loopback sockets, with a small echo app.

Keep-alive, the idle timeout for silent or stalled connections, the bounded worker pool, and
the header rules (underscored names dropped, except S3 metadata and the portal's bearer).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from typing import Any

import pytest

from sso_kit.sandbox.server import BEARER_ENVIRON, ServerThread

#: generous: the server must close long before this, or the test fails
WAIT = 30.0


def echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the request's header-derived environ keys, as JSON."""
    seen = {
        k: v
        for k, v in environ.items()
        if k.startswith(("HTTP_", "CONTENT_"))
        or k in (BEARER_ENVIRON, "moto.preserved_header_names")
    }
    body = json.dumps(seen).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


@pytest.fixture
def server():
    srv = ServerThread(echo_app, "127.0.0.1", 0, threads=4, idle_timeout=1.0)  # type: ignore[arg-type]
    srv.start()
    yield srv
    srv.stop()


def _get(conn: http.client.HTTPConnection, headers: dict[str, str] | None = None) -> dict[str, Any]:
    conn.request("GET", "/echo", headers=headers or {})
    response = conn.getresponse()
    assert response.status == 200
    return json.loads(response.read())


def test_one_connection_serves_many_requests_over_http_1_1(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    _get(conn)
    first_socket = conn.sock
    assert first_socket is not None, "the server closed the connection after one response"
    for _ in range(5):
        _get(conn)
    assert conn.sock is first_socket
    conn.close()


def _closed_by_server(sock: socket.socket) -> bool:
    """True when the server closes the connection (EOF or reset) before WAIT seconds."""
    sock.settimeout(WAIT)
    try:
        while sock.recv(4096):
            pass  # a 408 or similar answer may come first
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def test_a_silent_connection_is_closed_after_the_idle_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        assert _closed_by_server(sock)


def test_a_request_stalled_half_way_through_its_headers_is_closed(server):
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n")  # no blank line: never finishes
        assert _closed_by_server(sock)


def test_an_idle_keep_alive_connection_is_closed_and_the_client_reconnects(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    _get(conn)
    assert conn.sock is not None
    assert _closed_by_server(conn.sock)
    conn.close()
    _get(conn)  # http.client connects again, as SDKs do


def test_many_silent_connections_hold_no_thread_and_others_are_still_served():
    """More silent connections than workers, with a long idle timeout: a request still passes."""
    server = ServerThread(echo_app, "127.0.0.1", 0, threads=4, idle_timeout=WAIT)  # type: ignore[arg-type]
    server.start()
    before = threading.active_count()
    silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(60)]
    try:
        # were each silent connection given a worker, this would wait WAIT seconds and fail
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT / 3)
        _get(conn)
        conn.close()
        # a thread per connection would add 60; the fixed pool adds none
        assert threading.active_count() <= before + 2
    finally:
        for sock in silent:
            sock.close()
        server.stop()


def test_underscored_header_names_are_dropped_but_s3_metadata_and_the_bearer_are_kept(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    seen = _get(
        conn,
        {
            "X-Amz-Date": "20260101T000000Z",
            "X_Amz_Date": "spoofed",
            "X-Forwarded_For": "spoofed",
            "x-amz-meta-my_key": "kept",
            "x-amz-sso_bearer_token": " the-token ",
        },
    )
    conn.close()
    assert seen["HTTP_X_AMZ_DATE"] == "20260101T000000Z"
    assert "HTTP_X_FORWARDED_FOR" not in seen
    assert seen["HTTP_X_AMZ_META_MY_KEY"] == "kept"
    assert seen["moto.preserved_header_names"] == {"HTTP_X_AMZ_META_MY_KEY": "X-Amz-Meta-My_Key"}
    assert seen[BEARER_ENVIRON] == "the-token"
    assert "HTTP_X_AMZ_SSO_BEARER_TOKEN" not in seen


def test_oversized_headers_are_refused(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    conn.request("GET", "/echo", headers={f"X-Big-{i}": "x" * 1000 for i in range(80)})
    assert conn.getresponse().status == 413
    conn.close()


def test_a_busy_port_is_an_os_error_at_construction(server):
    with pytest.raises(OSError):
        ServerThread(echo_app, "127.0.0.1", server.port)  # type: ignore[arg-type]


def _answers(sock: socket.socket, count: int) -> list[bytes]:
    """The bodies of ``count`` responses read off a raw socket (each has a Content-Length)."""
    reader = sock.makefile("rb")
    bodies = []
    for _ in range(count):
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        bodies.append(reader.read(length))
    return bodies


def test_pipelined_requests_in_one_packet_are_all_answered_in_order(server):
    """The second request is already buffered when the first is answered: served, not lost."""
    requests = b"".join(
        f"GET /echo HTTP/1.1\r\nHost: x\r\nX-Seq: {i}\r\n\r\n".encode() for i in range(3)
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall(requests)
        bodies = _answers(sock, 3)
    assert [json.loads(b)["HTTP_X_SEQ"] for b in bodies] == ["0", "1", "2"]


def length_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the number of body bytes it read and the last of them."""
    data = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    body = json.dumps({"read": len(data), "last": data[-1:].decode()}).encode()
    start_response("200 OK", [("Content-Length", str(len(body)))])
    return [body]


def test_a_body_sent_in_pieces_is_read_whole_and_the_connection_reused():
    """A POST whose body arrives in several packets: the app reads all of it; then another."""
    server = ServerThread(length_app, "127.0.0.1", 0, threads=2, idle_timeout=WAIT)  # type: ignore[arg-type]
    server.start()
    body = b"x" * 69_999 + b"y"
    head = f"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
            sock.sendall(head + body[:1000])
            threading.Event().wait(0.2)
            sock.sendall(body[1000:])
            sock.sendall(head.replace(b"70000", b"1") + b"z")
            first, second = _answers(sock, 2)
    finally:
        server.stop()
    assert json.loads(first) == {"read": len(body), "last": "y"}
    assert json.loads(second) == {"read": 1, "last": "z"}


def test_beyond_the_keep_alive_limit_a_connection_is_closed_after_its_answer():
    """Idle keep-alive connections are bounded: with one held, the next is told to close."""
    server = ServerThread(echo_app, "127.0.0.1", 0, threads=2, idle_timeout=WAIT)  # type: ignore[arg-type]
    server.server.keep_alive_conn_limit = 1
    server.start()
    try:
        held = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        _get(held)  # answered and kept: idle in the selector once the worker hands it back
        for _ in range(300):
            if server.server._connections._num_connections >= 1:
                break
            threading.Event().wait(0.01)
        other = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        other.request("GET", "/echo")
        response = other.getresponse()
        response.read()
        assert response.getheader("Connection") == "close"
        held.close()
        other.close()
    finally:
        server.stop()


def chunked_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the body it read to its end (a chunked request has no length)."""
    data = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Length", str(len(data)))])
    return [data]


def test_a_chunked_body_is_read_to_its_end():
    server = ServerThread(chunked_app, "127.0.0.1", 0, threads=2, idle_timeout=WAIT)  # type: ignore[arg-type]
    server.start()
    chunks = [b"first-", b"x" * 9000, b"-last"]
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    head = b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
            sock.sendall(head + body[:20])
            threading.Event().wait(0.1)
            sock.sendall(body[20:])
            (answer,) = _answers(sock, 1)
    finally:
        server.stop()
    assert answer == b"".join(chunks)


PIN_SCRIPT = """
import json, os
from sso_kit.sandbox.serving import pin_to_one_cpu
cpus = lambda: sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
before = cpus()
result = pin_to_one_cpu()
print(json.dumps({"before": before, "result": result, "after": cpus()}))
"""


def _pin_in_a_child(value: str | None) -> dict[str, Any]:
    """pin_to_one_cpu() in a fresh interpreter (this test process keeps its CPUs)."""
    import os
    import subprocess
    import sys

    from sso_kit.sandbox.serving import ENV_CPU

    env = {k: v for k, v in os.environ.items() if k != ENV_CPU}
    if value is not None:
        env[ENV_CPU] = value
    out = subprocess.run(
        [sys.executable, "-c", PIN_SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def test_the_sandbox_process_is_kept_on_one_cpu_it_may_use():
    seen = _pin_in_a_child(None)
    if len(seen["before"]) >= 2:
        assert seen["result"] in seen["before"]
        assert seen["after"] == [seen["result"]]
    else:  # one CPU, or no affinity calls (macOS): nothing to choose, left as it was
        assert seen["result"] is None and seen["after"] == seen["before"]


@pytest.mark.parametrize("value", ["all", "ALL ", "99999", "first"])
def test_all_or_a_cpu_it_may_not_use_leaves_the_process_as_it_was(value):
    seen = _pin_in_a_child(value)
    assert seen["result"] is None
    assert seen["after"] == seen["before"]


def test_a_cpu_it_may_use_is_taken_when_named():
    allowed = _pin_in_a_child("all")["before"]
    seen = _pin_in_a_child(str(allowed[0]) if allowed else "0")
    if len(allowed) >= 2:
        assert seen["result"] == allowed[0] and seen["after"] == [allowed[0]]
    else:
        assert seen["result"] is None and seen["after"] == allowed
