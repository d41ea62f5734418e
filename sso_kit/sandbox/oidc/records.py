"""SSO OIDC records and the small pure helpers around them: codes, secrets, PKCE, clock.

Everything the OIDC backend keeps is one of these dataclasses, so a saved state is plain
``asdict`` output and comes back with :func:`build`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Letters only, without the look-alikes (I, L, O, U, 0/1 are not letters; drop I/L/O/U).
USER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ"


class Clock:
    """Wall clock plus an adjustable skew (the clock-skew fault)."""

    def __init__(self, base: Any = time.time) -> None:
        self._base = base
        self.skew = 0.0

    def now(self) -> float:
        return float(self._base()) + self.skew


@dataclass
class Lifetimes:
    """Seconds; the defaults are the real service's."""

    device_code: int = 600
    interval: int = 1
    access_token: int = 3600
    refresh: int = 8 * 3600  # the session duration bounds refreshes
    role_credentials: int = 3600
    client_secret: int = 90 * 24 * 3600
    auth_code: int = 300


def new_secret(nbytes: int = 32) -> str:
    """An opaque, URL-safe secret from :mod:`secrets` that never starts with ``-``.

    One in 64 of ``token_urlsafe`` does, and a command line then reads it as an option:
    ``aws sso logout --access-token -x...`` ends in "expected one argument" (AWS's own tokens
    start with letters).
    """
    while (secret := secrets.token_urlsafe(nbytes)).startswith("-"):
        pass
    return secret


def new_user_code() -> str:
    """An easy-to-type code such as ``BDFH-KMNP``."""
    letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def normalize_user_code(text: str) -> str:
    """Accept ``bdfhkmnp``, ``BDFH KMNP`` or ``BDFH-KMNP`` as typed by a person."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else text.strip().upper()


def pkce_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636 S256: base64url(sha256(verifier)) without padding equals the challenge."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return secrets.compare_digest(expected, challenge)


def redirect_allowed(registered: list[str], used: str) -> bool:
    """Exact match, or any port on 127.0.0.1 when the portless loopback URI is registered."""
    if used in registered:
        return True
    parts = urlsplit(used)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or parts.query or parts.fragment:
        return False
    return f"http://127.0.0.1{parts.path}" in registered


@dataclass
class Client:
    client_id: str
    client_secret: str = field(repr=False)
    client_name: str
    client_type: str
    scopes: list[str]
    redirect_uris: list[str]
    grant_types: list[str]
    issuer_url: str | None
    issued_at: int
    secret_expires_at: int


@dataclass
class DeviceAuthorization:
    device_code: str = field(repr=False)
    user_code: str
    client_id: str
    start_url: str
    scopes: list[str]
    created_at: float
    expires_at: float
    interval: int
    state: str = "pending"  # pending | approved | denied | redeemed
    user: str | None = None
    last_poll: float | None = None
    polls: int = 0
    approved_at: float | None = None
    # A person or an admin call entered this code: only their approval counts, never the
    # --auto-approve default user's.
    claimed: bool = False


@dataclass
class AuthorizeRequest:
    """A PKCE /authorize request waiting for a person to sign in and consent."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    code_challenge: str = field(repr=False)
    scopes: list[str]
    expires_at: float


@dataclass
class AuthCode:
    code: str = field(repr=False)
    client_id: str
    redirect_uri: str
    code_challenge: str = field(repr=False)
    user: str
    scopes: list[str]
    expires_at: float
    used: bool = False


@dataclass
class Token:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    client_id: str
    user: str
    start_url: str
    scopes: list[str]
    issued_at: float
    expires_at: float
    refresh_expires_at: float
    state: str = "active"  # active | revoked | expired | rotated


@dataclass
class Faults:
    """Switches that reproduce real failures, per operation name (or ``*`` for any).

    ``count`` limits how often a fault fires (None: until reset).
    """

    operations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def kind(self, operation: str) -> str | None:
        for key in (operation, "*"):
            fault = self.operations.get(key)
            if fault:
                return str(fault["kind"])
        return None

    def consume(self, operation: str) -> None:
        for key in (operation, "*"):
            fault = self.operations.get(key)
            if not fault:
                continue
            if fault["count"] is not None:
                fault["count"] -= 1
                if fault["count"] <= 0:
                    del self.operations[key]
            return


def record(obj: Any) -> dict[str, Any]:
    """A record as plain JSON-able data."""
    return asdict(obj)


def build(cls: type, row: dict[str, Any]) -> Any:
    """A record of ``cls`` from saved data, ignoring fields it no longer has."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})
