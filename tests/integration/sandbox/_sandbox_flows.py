"""Helpers for the sandbox's own integration tests: unmodified boto3 clients and a login.

(A uniquely named module rather than a conftest, so imports never collide.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from sso_kit.sandbox import Sandbox

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def client(sb: Sandbox, service: str, **kw: Any) -> Any:
    """A plain boto3 client pointed at the sandbox (no retries, so faults show directly)."""
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=sb.url, config=NO_RETRY, **kw
    )


@dataclass
class Flow:
    """One device authorization in progress."""

    oidc: Any
    registration: dict[str, Any]
    authorization: dict[str, Any]

    def token_args(self) -> dict[str, str]:
        return {
            "clientId": self.registration["clientId"],
            "clientSecret": self.registration["clientSecret"],
            "grantType": DEVICE_GRANT,
            "deviceCode": self.authorization["deviceCode"],
        }

    def poll(self) -> dict[str, Any]:
        return self.oidc.create_token(**self.token_args())


def start_flow(sb: Sandbox) -> Flow:
    oidc = client(sb, "sso-oidc")
    registration = oidc.register_client(
        clientName="botocore-client-test", clientType="public", scopes=["sso:account:access"]
    )
    authorization = oidc.start_device_authorization(
        clientId=registration["clientId"],
        clientSecret=registration["clientSecret"],
        startUrl=sb.start_url,
    )
    return Flow(oidc, registration, authorization)


def login(sb: Sandbox, username: str | None = None, password: str | None = None) -> str:
    """A full device-code login; returns the access token."""
    flow = start_flow(sb)
    sb.approve(flow.authorization["userCode"], username, password)
    return str(flow.poll()["accessToken"])


def role_s3(sb: Sandbox, token: str, role: str, account: str = "111122223333") -> Any:
    """An S3 client using the role credentials the portal hands out."""
    creds = client(sb, "sso").get_role_credentials(
        accessToken=token, accountId=account, roleName=role
    )["roleCredentials"]
    return client(
        sb,
        "s3",
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
    )


class Browser:
    """A scripted browser: keeps cookies, fills the forms the sandbox's pages serve.

    ``source`` is the loopback address it connects from (e.g. ``127.0.0.2``): another
    client address, as far as the sandbox's failure limits can tell.
    """

    def __init__(self, sb: Sandbox, source: str | None = None) -> None:
        import requests
        from requests.adapters import HTTPAdapter

        class FromAddress(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kw: Any) -> None:
                kw["source_address"] = (source, 0)
                super().init_poolmanager(*args, **kw)

        self.base = sb.public_url
        self.http = requests.Session()
        if source:
            self.http.mount("http://", FromAddress())
        self.last: Any = None

    def get(self, path: str, **kw: Any) -> Any:
        self.last = self.http.get(f"{self.base}/{path.lstrip('/')}", timeout=30, **kw)
        return self.last

    def submit(self, action: str, **fields: str) -> Any:
        """POST a form with the CSRF token from the last page."""
        import re

        match = re.search(r'name="csrf" value="([^"]+)"', self.last.text)
        assert match, "no CSRF token on the last page"
        data = {"csrf": match.group(1), **fields}
        self.last = self.http.post(
            f"{self.base}/{action}", data=data, timeout=30, allow_redirects=False
        )
        return self.last

    def approve(self, user_code: str, username: str, password: str, allow: bool = True) -> Any:
        self.get(f"device?user_code={user_code}")
        self.submit("device", user_code=user_code)
        self.submit("signin", username=username, password=password)
        return self.submit("consent", decision="allow" if allow else "deny")
