"""The floor: the same sign-in-to-S3 calls with a bare HTTP client (http.client).

No boto3 session, no config files, no caches: JSON bodies written by hand, one
http.client connection kept alive across calls (or, with ``new_connections``, a new one for
each call, as before the sandbox spoke HTTP/1.1 keep-alive), and botocore's SigV4 signer only
for the S3 call (a bare client must still sign).
Benchmark 1 compares sso_kit against this; benchmark 3 uses it as the load generator, so
client-side overhead does not eat the two cores the sandbox is measured on.
"""

from __future__ import annotations

import http.client
import json
import select
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from sso_kit.errors import redact

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ACCOUNT = "111122223333"
ROLE = "S3ReadOnly"

#: The operations of one learner's flow, in order ("Approve" is the sign-in page's work,
#: done through the sandbox's admin API as the learner, the same code path as the form).
OPERATIONS = (
    "RegisterClient",
    "StartDeviceAuthorization",
    "Approve",
    "CreateToken",
    "GetRoleCredentials",
    "ListBuckets",
)


class CallFailed(Exception):
    """One HTTP call answered with an error status (message carries no secrets)."""

    def __init__(self, operation: str, status: int, body: bytes) -> None:
        self.operation = operation
        self.status = status
        super().__init__(
            f"{operation} -> HTTP {status}: {redact(body[:200].decode('utf-8', 'replace'))}"
        )


@dataclass
class BareClient:
    """One learner's connection to the sandbox; ``timings`` collects seconds per operation."""

    url: str
    start_url: str
    region: str = "us-east-1"
    timeout: float = 60.0
    timings: list[tuple[str, float]] = field(default_factory=list)
    new_connections: bool = False  # close after every response: the floor as new connections

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self.host = parts.netloc
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)

    def close(self) -> None:
        self.conn.close()

    def __repr__(self) -> str:
        return f"BareClient(url={self.url!r})"

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """One request; the parsed JSON answer (or ``{"raw": bytes}`` for XML)."""
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        began = time.perf_counter()
        try:
            status, content_type, raw = self.send(method, path, data, sent)
        finally:
            self.timings.append((operation, time.perf_counter() - began))
        if status >= 300:
            raise CallFailed(operation, status, raw)
        if content_type.startswith("application/json"):
            return dict(json.loads(raw or b"{}"))
        return {"raw": raw}

    def send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        """The transport: one request, on the kept connection while the server keeps it.

        Like urllib3 (botocore's pool), a kept connection the server has closed meanwhile
        (its idle timeout) is noticed before use, and one that dies on the first write is
        retried once on a new connection; a failure on a new connection is the server's.
        """
        for attempt in (1, 2):
            sock = self.conn.sock
            if sock is not None and select.select([sock], [], [], 0)[0]:
                self.conn.close()  # readable while idle: the server closed it
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                answer = response.status, response.getheader("Content-Type", ""), response.read()
                if self.new_connections:
                    self.conn.close()
                return answer
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                self.conn.close()
                if not reused or attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.conn.close()  # a fresh connection next time
                raise
        raise AssertionError("unreachable")

    # -- the flow ---------------------------------------------------------------------------
    def register(self) -> dict[str, Any]:
        return self.call(
            "RegisterClient",
            "POST",
            "/client/register",
            {"clientName": "bench-floor", "clientType": "public", "scopes": ["sso:account:access"]},
        )

    def start_device_authorization(self, reg: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "StartDeviceAuthorization",
            "POST",
            "/device_authorization",
            {
                "clientId": reg["clientId"],
                "clientSecret": reg["clientSecret"],
                "startUrl": self.start_url,
            },
        )

    def approve(self, user_code: str, username: str, password: str, admin_key: str) -> None:
        self.call(
            "Approve",
            "POST",
            "/_sandbox/admin/approve",
            {"user_code": user_code, "username": username, "password": password},
            {"X-Sso-Kit-Admin-Key": admin_key},
        )

    def create_token(self, reg: dict[str, Any], auth: dict[str, Any]) -> dict[str, Any]:
        return self.call(
            "CreateToken",
            "POST",
            "/token",
            {
                "clientId": reg["clientId"],
                "clientSecret": reg["clientSecret"],
                "grantType": DEVICE_GRANT,
                "deviceCode": auth["deviceCode"],
            },
        )

    def role_credentials(self, token: str, account: str = ACCOUNT, role: str = ROLE) -> Any:
        query = urlencode({"account_id": account, "role_name": role})
        answer = self.call(
            "GetRoleCredentials",
            "GET",
            f"/federation/credentials?{query}",
            headers={"x-amz-sso_bearer_token": token},
        )
        return answer["roleCredentials"]

    def list_buckets(self, creds: dict[str, Any]) -> bytes:
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        request = AWSRequest(method="GET", url=f"{self.url}/", headers={"Host": self.host})
        S3SigV4Auth(
            Credentials(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]),
            "s3",
            self.region,
        ).add_auth(request)
        answer = self.call("ListBuckets", "GET", "/", headers=dict(request.headers.items()))
        raw = answer.get("raw", b"")
        if b"ListAllMyBucketsResult" not in raw:
            raise CallFailed("ListBuckets", 200, b"not a ListAllMyBucketsResult document")
        return bytes(raw)

    def full_flow(self, approve: tuple[str, str, str] | None = None) -> bytes:
        """register → device authorization → (approve) → token → role credentials → buckets.

        ``approve`` is (username, password, admin_key); without it the sandbox must be
        auto-approving.
        """
        reg = self.register()
        auth = self.start_device_authorization(reg)
        if approve is not None:
            self.approve(auth["userCode"], *approve)
        token = self.create_token(reg, auth)["accessToken"]
        creds = self.role_credentials(token)
        return self.list_buckets(creds)


class WsgiClient(BareClient):
    """The same flow handed straight to a WSGI app (no sockets), for profiling the server."""

    def __init__(self, app: Any, url: str, start_url: str) -> None:
        from werkzeug.test import Client

        super().__init__(url, start_url)
        self.client = Client(app)

    def send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        path, _, query = path.partition("?")
        headers = {k: v for k, v in headers.items() if k.lower() != "host"}
        response = self.client.open(
            path, base_url=self.url, method=method, query_string=query, data=data,
            headers=headers,
        )  # fmt: skip
        return response.status_code, response.headers.get("Content-Type", ""), response.data


def learners_of(sandbox: Any) -> list[Any]:
    """The sandbox's ``learnerNN`` users (not the default ``learner``), in name order."""
    return sorted(
        (u for name, u in sandbox.users.items() if name.startswith("learner") and name[7:]),
        key=lambda u: u.name,
    )


def warm_up(sandbox: Any, user: Any) -> None:
    """One whole flow before anything is timed: moto's first signed call is slow."""
    client = BareClient(sandbox.url, sandbox.start_url)
    try:
        client.full_flow(approve=(user.name, user.password, sandbox.admin_key))
    finally:
        client.close()
