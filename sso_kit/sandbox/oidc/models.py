"""SSO OIDC state: client registrations, device authorizations, PKCE codes and tokens.

A device authorization is a small state machine — pending → approved | denied, and expired
once its lifetime passes; an approved one is redeemed exactly once. Time comes from an injected
:class:`Clock` so lifetimes are testable without sleeping, and so the clock-skew fault shifts
everything consistently. The records and helpers live in ``records.py``, the device
authorization state machine in ``device.py``; this module registers clients and issues tokens.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any
from urllib.parse import urlsplit

from sso_kit.sandbox.oidc import exceptions as exc
from sso_kit.sandbox.oidc.device import DeviceFlow
from sso_kit.sandbox.oidc.records import (
    DEVICE_GRANT,
    AuthCode,
    AuthorizeRequest,
    Client,
    Clock,
    DeviceAuthorization,
    Faults,
    Lifetimes,
    Token,
    build,
    new_secret,
    new_user_code,
    normalize_user_code,
    pkce_matches,
    record,
    redirect_allowed,
)

__all__ = [
    "DEVICE_GRANT",
    "Clock",
    "Lifetimes",
    "OidcBackend",
    "Token",
    "new_user_code",
    "normalize_user_code",
    "pkce_matches",
    "redirect_allowed",
]


class OidcBackend(DeviceFlow):
    """All OIDC state behind one lock; handlers in responses.py call these methods."""

    def __init__(self, clock: Clock | None = None, lifetimes: Lifetimes | None = None) -> None:
        self.clock = clock or Clock()
        self.lifetimes = lifetimes or Lifetimes()
        self.faults = Faults()
        self.lock = threading.RLock()
        self.clients: dict[str, Client] = {}
        self.devices: dict[str, DeviceAuthorization] = {}  # by device code
        self.user_codes: dict[str, str] = {}  # user code -> device code
        self.authorize_requests: dict[str, AuthorizeRequest] = {}
        self.auth_codes: dict[str, AuthCode] = {}
        self.tokens: dict[str, Token] = {}  # by access token
        self.refresh_index: dict[str, str] = {}  # refresh token -> access token
        self.auto_approve_user: str | None = None  # set by --auto-approve
        # The organisation's access portal URL(s); None accepts any (unit tests of the model).
        self.start_urls: set[str] | None = None

    def check_start_url(self, start_url: str) -> None:
        """Like the real service: an access portal URL of another organisation is refused."""
        if self.start_urls is None:
            return
        if start_url.rstrip("/") not in {u.rstrip("/") for u in self.start_urls}:
            raise exc.InvalidRequest("Invalid start url provided")

    # -- registration -------------------------------------------------------------------
    def register_client(
        self,
        client_name: str,
        client_type: str,
        scopes: list[str] | None = None,
        redirect_uris: list[str] | None = None,
        grant_types: list[str] | None = None,
        issuer_url: str | None = None,
    ) -> Client:
        if not client_name or not isinstance(client_name, str):
            raise exc.InvalidRequest("clientName is required")
        if client_type != "public":
            raise exc.InvalidRequest("clientType must be 'public'")
        for uri in redirect_uris or []:
            if not isinstance(uri, str) or urlsplit(uri).scheme not in ("http", "https"):
                raise exc.InvalidRedirectUri(f"Invalid redirect URI: {uri!s:.100}")
        allowed = {"authorization_code", "refresh_token", DEVICE_GRANT}
        for grant in grant_types or []:
            if grant not in allowed:
                raise exc.UnsupportedGrantType(f"Unsupported grant type: {grant!s:.100}")
        if issuer_url:
            self.check_start_url(issuer_url)
        now = int(self.clock.now())
        client = Client(
            client_id=new_secret(16),
            client_secret=new_secret(48),
            client_name=client_name,
            client_type=client_type,
            scopes=list(scopes or []),
            redirect_uris=list(redirect_uris or []),
            grant_types=list(grant_types or []),
            issuer_url=issuer_url,
            issued_at=now,
            secret_expires_at=now + self.lifetimes.client_secret,
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client

    def authenticate_client(self, client_id: str, client_secret: str | None) -> Client:
        """Check client id and secret; secrets are compared in constant time."""
        client = self.clients.get(client_id or "")
        if client is None:
            raise exc.InvalidClient("Invalid client: unknown clientId")
        if client_secret is not None and not secrets.compare_digest(
            client.client_secret, client_secret or ""
        ):
            raise exc.InvalidClient("Invalid client: clientSecret does not match")
        if client.secret_expires_at <= self.clock.now():
            raise exc.InvalidClient("Invalid client: the client secret has expired")
        return client

    # -- PKCE ---------------------------------------------------------------------------
    def begin_authorize(self, params: dict[str, str]) -> AuthorizeRequest:
        """Validate an /authorize query; the redirect URI is checked before anything else."""
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            raise exc.InvalidClient("Invalid client: unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_allowed(client.redirect_uris, redirect_uri):
            raise exc.InvalidRedirectUri("redirect_uri is not registered for this client")
        if params.get("response_type") != "code":
            raise exc.InvalidRequest("response_type must be 'code'")
        if params.get("code_challenge_method") != "S256":
            raise exc.InvalidRequest("code_challenge_method must be S256")
        challenge = params.get("code_challenge", "")
        if not 43 <= len(challenge) <= 128:
            raise exc.InvalidRequest("code_challenge must be 43 to 128 characters")
        scopes = [s for s in params.get("scopes", "").split() if s] or client.scopes
        request = AuthorizeRequest(
            request_id=new_secret(16),
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            state=params.get("state", ""),
            code_challenge=challenge,
            scopes=scopes,
            expires_at=self.clock.now() + self.lifetimes.device_code,
        )
        with self.lock:
            self.authorize_requests[request.request_id] = request
        return request

    def finish_authorize(self, request_id: str, user: str, allow: bool) -> str:
        """Return the redirect URL (with ``code`` or ``error``) for a consent decision."""
        from urllib.parse import urlencode

        with self.lock:
            request = self.authorize_requests.pop(request_id, None)
            if request is None:
                raise LookupError("That sign-in request is not valid or has expired.")
            if not allow:
                query = {"error": "access_denied", "state": request.state}
            else:
                code = AuthCode(
                    code=new_secret(32),
                    client_id=request.client_id,
                    redirect_uri=request.redirect_uri,
                    code_challenge=request.code_challenge,
                    user=user,
                    scopes=request.scopes,
                    expires_at=self.clock.now() + self.lifetimes.auth_code,
                )
                self.auth_codes[code.code] = code
                query = {"code": code.code, "state": request.state}
        sep = "&" if "?" in request.redirect_uri else "?"
        return f"{request.redirect_uri}{sep}{urlencode(query)}"

    def _redeem_code(
        self, client: Client, code: str, redirect_uri: str, verifier: str, start_url: str
    ) -> Token:
        with self.lock:
            record = self.auth_codes.get(code or "")
            if record is None or record.used or record.client_id != client.client_id:
                raise exc.InvalidGrant("Invalid authorization code provided")
            record.used = True
            if record.expires_at <= self.clock.now():
                raise exc.InvalidGrant("Authorization code has expired")
            if redirect_uri != record.redirect_uri:
                raise exc.InvalidGrant("redirectUri does not match the one used to authorize")
            if not verifier or not pkce_matches(verifier, record.code_challenge):
                raise exc.InvalidGrant("codeVerifier does not match the code challenge")
            return self._issue(client.client_id, record.user, start_url, record.scopes)

    # -- tokens -------------------------------------------------------------------------
    def create_token(self, body: dict[str, Any]) -> Token:
        """CreateToken for the device-code, authorization-code and refresh-token grants."""
        grant = body.get("grantType")
        if not grant:
            raise exc.InvalidRequest("grantType is required")
        client = self.authenticate_client(body.get("clientId", ""), body.get("clientSecret", ""))
        if grant == DEVICE_GRANT:
            return self._poll_device(client, body.get("deviceCode", ""))
        if grant == "authorization_code":
            return self._redeem_code(
                client,
                body.get("code", ""),
                body.get("redirectUri", ""),
                body.get("codeVerifier", ""),
                client.issuer_url or "",
            )
        if grant == "refresh_token":
            return self._refresh(client, body.get("refreshToken", ""))
        raise exc.UnsupportedGrantType(f"Unsupported grant type: {grant!s:.100}")

    def _issue(self, client_id: str, user: str, start_url: str, scopes: list[str]) -> Token:
        now = self.clock.now()
        # Like the real service: a client registered without scopes gets no refresh token,
        # so its sessions cannot be renewed silently (what doctor's "scopes missing" teaches).
        token = Token(
            access_token=new_secret(64),
            refresh_token=new_secret(64) if scopes else "",
            client_id=client_id,
            user=user,
            start_url=start_url,
            scopes=scopes,
            issued_at=now,
            expires_at=now + self.lifetimes.access_token,
            refresh_expires_at=now + self.lifetimes.refresh,
        )
        with self.lock:
            self.tokens[token.access_token] = token
            if token.refresh_token:
                self.refresh_index[token.refresh_token] = token.access_token
        return token

    def _refresh(self, client: Client, refresh_token: str) -> Token:
        now = self.clock.now()
        with self.lock:
            old = self.tokens.get(self.refresh_index.get(refresh_token or "", ""))
            if old is None or old.client_id != client.client_id:
                raise exc.InvalidGrant("Invalid refresh token provided")
            if old.state in ("revoked", "rotated") or old.refresh_expires_at <= now:
                raise exc.InvalidGrant("Refresh token has expired or was revoked")
            old.state = "rotated"
            self.refresh_index.pop(refresh_token, None)
            token = self._issue(client.client_id, old.user, old.start_url, old.scopes)
            token.expires_at = min(token.expires_at, old.refresh_expires_at)
            token.refresh_expires_at = old.refresh_expires_at
            return token

    def validate_access_token(self, access_token: str) -> Token | None:
        """The live token for a bearer value, else None (unknown, expired or revoked)."""
        with self.lock:
            token = self.tokens.get(access_token or "")
            if token is None or token.state == "revoked" or token.expires_at <= self.clock.now():
                return None
            return token

    def revoke(self, access_token: str) -> bool:
        """Logout: the access token and its refresh token stop working."""
        with self.lock:
            token = self.tokens.get(access_token or "")
            if token is None:
                return False
            token.state = "revoked"
            self.refresh_index.pop(token.refresh_token, None)
            return True

    def end_sessions(self, user: str | None, how: str) -> int:
        """Expire or revoke every live token of ``user`` (all users when None)."""
        now = self.clock.now()
        count = 0
        with self.lock:
            for token in self.tokens.values():
                # A token replaced by a refresh ("rotated") still works until it expires,
                # so it must be ended too.
                if token.state not in ("active", "rotated") or (user and token.user != user):
                    continue
                if token.expires_at <= now and token.state == "rotated":
                    continue
                count += 1
                if how == "revoke":
                    token.state = "revoked"
                    self.refresh_index.pop(token.refresh_token, None)
                else:
                    token.expires_at = min(token.expires_at, now - 1)
                    token.refresh_expires_at = min(token.refresh_expires_at, now - 1)
        return count

    # -- persistence --------------------------------------------------------------------
    def export(self) -> dict[str, Any]:
        with self.lock:
            return {
                "clients": [record(c) for c in self.clients.values()],
                "devices": [record(d) for d in self.devices.values()],
                "tokens": [record(t) for t in self.tokens.values()],
            }

    def restore(self, data: dict[str, Any]) -> None:
        with self.lock:
            for row in data.get("clients", []):
                client = build(Client, row)
                self.clients[client.client_id] = client
            for row in data.get("devices", []):
                device = build(DeviceAuthorization, row)
                self.devices[device.device_code] = device
                if device.state in ("pending", "approved", "denied"):
                    self.user_codes[device.user_code] = device.device_code
            for row in data.get("tokens", []):
                token = build(Token, row)
                self.tokens[token.access_token] = token
                if token.state == "active" and token.refresh_token:
                    self.refresh_index[token.refresh_token] = token.access_token
