"""Authorization code + PKCE login (``sso-kit login --use-pkce``): a loopback callback.

A callback listener on 127.0.0.1 is bound before the URL is shown, the S256 challenge and
``state`` are checked, and the wait ends after 10 minutes. The shared flow parts (registration
cache, token writing, the session lock) are :class:`sso_kit.login._Flow`'s.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from sso_kit.errors import (
    AuthorizationDeniedError,
    AuthorizationExpiredError,
    LoginError,
    aws_error,
)
from sso_kit.login import (
    PKCE_GRANTS,
    PKCE_REDIRECT,
    PKCE_TIMEOUT,
    LoginResult,
    PendingAuthorization,
    _client_error,
    _Flow,
)
from sso_kit.net import LOOPBACK_HOST

__all__ = ["PkceLogin"]


class PkceLogin(_Flow):
    """Authorization code + PKCE with a loopback callback (browser on the same machine)."""

    grant_kind = "pkce"

    def _registration_scopes(self) -> list[str] | None:
        return self.config.scopes or ["sso:account:access"]

    def run(
        self,
        on_pending: Callable[[PendingAuthorization], Any] | None,
        *,
        open_browser: bool = False,
        cancel: threading.Event | None = None,
        timeout: float = PKCE_TIMEOUT,
    ) -> LoginResult:
        from http.server import BaseHTTPRequestHandler, HTTPServer

        received: dict[str, str] = {}

        class Callback(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                if "error" in query:
                    received["error"] = query["error"][0]
                elif "code" in query and "state" in query:
                    received["code"], received["state"] = query["code"][0], query["state"][0]
                done = "error" in received or "code" in received
                body = (
                    "<!doctype html><title>sso-kit</title><p>"
                    + html.escape(
                        "Login complete: you can close this tab."
                        if done and "error" not in received
                        else "Login was not completed."
                    )
                    + "</p>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # keep codes out of stderr
                return

        # Bind before anything is shown, so the redirect always has somewhere to land.
        try:
            server = HTTPServer((LOOPBACK_HOST, 0), Callback)
        except OSError as exc:
            raise LoginError(
                f"Could not start the local login callback ({exc.strerror}).",
                hint="Use the device code flow instead (--use-device-code).",
            ) from None
        try:
            server.timeout = 0.5
            port = server.server_address[1]
            redirect_uri = f"http://{LOOPBACK_HOST}:{port}/oauth/callback"
            self._registration = self._register(
                grantTypes=list(PKCE_GRANTS),
                redirectUris=[PKCE_REDIRECT],
                issuerUrl=self.config.start_url,
            )
            verifier = "".join(
                secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
                for _ in range(64)
            )
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .decode()
                .rstrip("=")
            )
            state = str(uuid.uuid4())
            base = urlsplit(self.client.meta.endpoint_url)
            query = urlencode(
                [
                    ("response_type", "code"),
                    ("client_id", self._registration["clientId"]),
                    ("redirect_uri", redirect_uri),
                    ("state", state),
                    ("code_challenge_method", "S256"),
                    ("scopes", " ".join(self._registration_scopes() or [])),
                    ("code_challenge", challenge),
                ],
                quote_via=quote,
                safe="",
            )
            url = f"{base.scheme}://{base.netloc}/authorize?{query}"
            deadline = time.monotonic() + timeout
            pending = PendingAuthorization(
                url, "", url, self._clock() + timedelta(seconds=timeout), 0
            )
            if on_pending is not None:
                on_pending(pending)
            if open_browser:
                import webbrowser

                webbrowser.open_new_tab(url)
            while "code" not in received and "error" not in received:
                self._check_cancel(cancel)
                if time.monotonic() > deadline:
                    raise AuthorizationExpiredError(
                        f"Nobody completed the browser login for {self.config.label} within "
                        f"{int(timeout // 60)} minutes.",
                        hint=f"Run {self.config.login_hint} again.",
                    )
                server.handle_request()
        finally:
            server.server_close()
        if "error" in received:
            if received["error"] == "access_denied":
                raise AuthorizationDeniedError(
                    f"The login for {self.config.label} was denied in the browser.",
                    hint=f"Run {self.config.login_hint} again and choose Allow.",
                )
            raise LoginError(
                f"The browser login for {self.config.label} failed ({received['error']}).",
                hint=f"Run {self.config.login_hint} again.",
            )
        if not secrets.compare_digest(received["state"], state):
            raise LoginError(
                "The login callback's state did not match this login (possible forgery).",
                hint=f"Run {self.config.login_hint} again.",
            )
        try:
            response = self.client.create_token(
                grantType="authorization_code",
                clientId=self._registration["clientId"],
                clientSecret=self._registration["clientSecret"],
                redirectUri=redirect_uri,
                codeVerifier=verifier,
                code=received["code"],
            )
        except Exception as exc:
            if aws_error(exc)[0] == "ExpiredTokenException":
                raise AuthorizationExpiredError(
                    f"The browser login for {self.config.label} expired.",
                    hint=f"Run {self.config.login_hint} again.",
                ) from None
            raise _client_error(exc, "CreateToken", self.config) from None
        return self._save(response, self._clock())
