"""SSO OIDC operation handlers: JSON request body in, JSON-able dict out (rest-json)."""

from __future__ import annotations

from typing import Any

from sso_kit.sandbox.oidc import exceptions as exc
from sso_kit.sandbox.oidc.models import OidcBackend, Token


def _strings(body: dict[str, Any], key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise exc.InvalidRequest(f"{key} must be a list of strings")
    return value


def _check_strings(body: dict[str, Any], *keys: str) -> None:
    """Optional string members must be strings: a list or object is a client bug, not a 500."""
    for key in keys:
        if body.get(key) is not None and not isinstance(body[key], str):
            raise exc.InvalidRequest(f"{key} must be a string")


def register_client(backend: OidcBackend, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    _check_strings(body, "issuerUrl")
    client = backend.register_client(
        client_name=body.get("clientName", ""),
        client_type=body.get("clientType", ""),
        scopes=_strings(body, "scopes"),
        redirect_uris=_strings(body, "redirectUris"),
        grant_types=_strings(body, "grantTypes"),
        issuer_url=body.get("issuerUrl"),
    )
    return {
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "clientIdIssuedAt": client.issued_at,
        "clientSecretExpiresAt": client.secret_expires_at,  # epoch seconds
        "authorizationEndpoint": f"{base_url}/authorize",
        "tokenEndpoint": f"{base_url}/token",
    }


def start_device_authorization(
    backend: OidcBackend, body: dict[str, Any], base_url: str
) -> dict[str, Any]:
    for key in ("clientId", "clientSecret", "startUrl"):
        if not isinstance(body.get(key), str) or not body.get(key):
            raise exc.InvalidRequest(f"{key} is required")
    device = backend.start_device_authorization(
        body["clientId"], body["clientSecret"], body["startUrl"]
    )
    return {
        "deviceCode": device.device_code,
        "userCode": device.user_code,
        "verificationUri": f"{base_url}/device",
        "verificationUriComplete": f"{base_url}/device?user_code={device.user_code}",
        "expiresIn": int(device.expires_at - device.created_at),
        "interval": device.interval,
    }


def token_response(backend: OidcBackend, token: Token) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accessToken": token.access_token,
        "tokenType": "Bearer",
        "expiresIn": max(0, int(token.expires_at - backend.clock.now())),  # seconds
    }
    if token.refresh_token:
        body["refreshToken"] = token.refresh_token
    return body


def create_token(backend: OidcBackend, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    for key in ("clientId", "clientSecret", "grantType"):
        if not isinstance(body.get(key), str) or not body.get(key):
            raise exc.InvalidRequest(f"{key} is required")
    _check_strings(body, "deviceCode", "code", "redirectUri", "codeVerifier", "refreshToken")
    return token_response(backend, backend.create_token(body))
