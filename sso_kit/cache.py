"""The AWS CLI's SSO caches, read and written in its exact format.

* token cache: ``~/.aws/sso/cache/<sha1(session name or start URL)>.json``
* client-registration cache: same directory, key = sha1 of a sorted-keys JSON description
* role-credential cache: ``~/.aws/cli/cache/<sha1(compact JSON)>.json``

Writes go through botocore's own :class:`~botocore.utils.JSONFileCache` (temp file in the same
directory, fsync, ``os.replace``, owner-only file); directories are created 0700. Paths are
computed from ``HOME`` at call time so tests and notebooks can point them elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sso_kit.errors import CacheError

__all__ = [
    "SsoToken",
    "cli_cache_dir",
    "format_timestamp",
    "load_json",
    "load_registration",
    "load_token",
    "parse_timestamp",
    "registration_cache_key",
    "role_credentials_cache_key",
    "save_registration",
    "save_role_credentials",
    "save_token",
    "sso_cache_dir",
    "token_cache_path",
    "utc_now",
]

TOKEN_FIELDS = (
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
)


def utc_now() -> datetime:
    """Aware UTC now; the default clock everywhere time matters."""
    return datetime.now(timezone.utc)


def sso_cache_dir() -> Path:
    """``~/.aws/sso/cache`` (fixed path: AWS_CONFIG_FILE does not move it)."""
    return Path(os.path.expanduser("~")) / ".aws" / "sso" / "cache"


def cli_cache_dir() -> Path:
    """``~/.aws/cli/cache``, where the AWS CLI keeps role credentials."""
    return Path(os.path.expanduser("~")) / ".aws" / "cli" / "cache"


def format_timestamp(value: datetime) -> str:
    """The CLI's timestamp format: UTC, whole seconds, ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str, *, path: Path | None = None) -> datetime:
    """Parse any timestamp botocore accepts (dateutil); naive values are taken as UTC."""
    from dateutil import parser

    try:
        value = parser.parse(str(text))
    except (ValueError, OverflowError, TypeError):
        where = f" in {path}" if path else ""
        raise CacheError(
            f"A timestamp{where} cannot be read.",
            hint="Delete the file and log in again (sso-kit login).",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def token_cache_path(session_name_or_start_url: str) -> Path:
    """``~/.aws/sso/cache/<sha1>.json`` for an sso-session name (or a legacy start URL)."""
    return sso_cache_dir() / f"{_sha1(session_name_or_start_url)}.json"


def registration_cache_key(
    start_url: str, region: str, scopes: list[str] | None, session_name: str | None
) -> str:
    """The CLI's registration key; ``scopes`` is the configured list (None if not set)."""
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": scopes,
        "session_name": session_name,
    }
    return _sha1(json.dumps(args, sort_keys=True))


def role_credentials_cache_key(
    account_id: str,
    role_name: str,
    *,
    session_name: str | None = None,
    start_url: str | None = None,
) -> str:
    """The CLI's role-credential key: session profiles use the session name, legacy the URL."""
    args: dict[str, str] = {"roleName": role_name, "accountId": account_id}
    if session_name is not None:
        args["sessionName"] = session_name
    else:
        args["startUrl"] = start_url or ""
    text = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return _sha1(text).replace("/", "_").replace(":", "_")


def _ensure_dir(directory: Path) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


def _write(directory: Path, key: str, document: dict[str, Any]) -> Path:
    from botocore.utils import JSONFileCache

    _ensure_dir(directory)
    # json.dumps defaults: ", " / ": " separators, ASCII only, no trailing newline.
    JSONFileCache(str(directory), dumps_func=json.dumps)[key] = document
    path = directory / f"{key}.json"
    os.chmod(path, 0o600)
    return path


def load_json(path: Path) -> dict[str, Any] | None:
    """Read one cache file: None if absent, CacheError if unreadable or not a JSON object."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CacheError(
            f"The cache file {path} cannot be read ({exc.strerror}).",
            hint="Check its owner and permissions (it should be yours, mode 600), "
            "or delete it and log in again.",
        ) from None
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise CacheError(
            f"The cache file {path} is corrupt (not a JSON object).",
            hint="Delete it and log in again (sso-kit login); nothing else is lost.",
        )
    return document


@dataclass(frozen=True)
class SsoToken:
    """A cached SSO access token. Secrets are excluded from repr."""

    start_url: str
    region: str
    expires_at: datetime
    path: Path
    access_token: str = field(repr=False)
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    registration_expires_at: datetime | None = None
    refresh_token: str | None = field(default=None, repr=False)

    def remaining_seconds(self, now: datetime | None = None) -> float:
        return (self.expires_at - (now or utc_now())).total_seconds()

    def is_valid(self, now: datetime | None = None, *, margin: float = 0) -> bool:
        return self.remaining_seconds(now) > margin

    def refreshable(self, now: datetime | None = None) -> bool:
        """What botocore needs to refresh: refresh token, client and unexpired registration."""
        if not (self.refresh_token and self.client_id and self.client_secret):
            return False
        reg = self.registration_expires_at
        return reg is not None and reg > (now or utc_now())

def load_token(session_name_or_start_url: str) -> SsoToken | None:
    """Read a token file written by sso_kit, botocore or the AWS CLI (None if absent)."""
    path = token_cache_path(session_name_or_start_url)
    doc = load_json(path)
    if doc is None:
        return None
    if not doc.get("accessToken") or not doc.get("expiresAt"):
        raise CacheError(
            f"The token file {path} for {session_name_or_start_url!r} has no access token "
            "or expiry.",
            hint="Log in again (sso-kit login --force) to replace it.",
        )
    reg = doc.get("registrationExpiresAt")
    return SsoToken(
        start_url=str(doc.get("startUrl", "")),
        region=str(doc.get("region", "")),
        expires_at=parse_timestamp(doc["expiresAt"], path=path),
        path=path,
        access_token=str(doc["accessToken"]),
        client_id=doc.get("clientId"),
        client_secret=doc.get("clientSecret"),
        registration_expires_at=parse_timestamp(reg, path=path) if reg else None,
        refresh_token=doc.get("refreshToken"),
    )


def save_token(
    session_name_or_start_url: str,
    *,
    start_url: str,
    region: str,
    access_token: str,
    expires_at: datetime,
    client_id: str,
    client_secret: str,
    registration_expires_at: str,
    refresh_token: str | None = None,
) -> Path:
    """Write a token document with the CLI's fields and field order."""
    doc: dict[str, Any] = {
        "startUrl": start_url,
        "region": region,
        "accessToken": access_token,
        "expiresAt": format_timestamp(expires_at),
        "clientId": client_id,
        "clientSecret": client_secret,
        "registrationExpiresAt": registration_expires_at,
    }
    if refresh_token:
        doc["refreshToken"] = refresh_token
    key = _sha1(session_name_or_start_url)
    return _write(sso_cache_dir(), key, doc)


def load_registration(key: str) -> dict[str, Any] | None:
    """A cached RegisterClient result, or None if absent or corrupt (it is re-created)."""
    try:
        doc = load_json(sso_cache_dir() / f"{key}.json")
    except CacheError:
        return None
    if not doc or not all(k in doc for k in ("clientId", "clientSecret", "expiresAt")):
        return None
    try:
        parse_timestamp(doc["expiresAt"])
    except CacheError:
        return None  # an unreadable expiry cannot be checked: register afresh
    return doc


def save_registration(key: str, document: dict[str, Any]) -> Path:
    """Write a registration in the CLI's field order (the caller builds the dict)."""
    return _write(sso_cache_dir(), key, document)


def save_role_credentials(
    key: str,
    *,
    access_key_id: str,
    secret_access_key: str,
    session_token: str,
    expiration: datetime,
    account_id: str,
) -> Path:
    """Write role credentials the way the AWS CLI caches them (ProviderType sso)."""
    doc = {
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": access_key_id,
            "SecretAccessKey": secret_access_key,
            "SessionToken": session_token,
            "Expiration": format_timestamp(expiration),
            "AccountId": account_id,
        },
    }
    return _write(cli_cache_dir(), key, doc)
