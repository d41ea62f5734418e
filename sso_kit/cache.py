"""The AWS CLI's SSO caches, read and written in its exact format.

* token cache: ``~/.aws/sso/cache/<sha1(session name or start URL)>.json``
* client-registration cache: same directory, key = sha1 of a sorted-keys JSON description
* role-credential cache: ``~/.aws/cli/cache/<sha1(compact JSON)>.json``

Writes are atomic like botocore's own :class:`~botocore.utils.JSONFileCache` (temp file in the
same directory, ``os.replace``, owner-only file) with the same bytes (``json.dumps``), but
without its fsync: every reader sees the old or the new file whole, and only a power cut
within the kernel's writeback delay could lose a new one, which costs one more login (the AWS
CLI v2 writes these files in place, with neither). The learner's config keeps its fsync.
The temp file's name carries our pid so that one left by a killed login is cleaned up on the
first write to that folder in the next process. Directories are created 0700. Paths are computed from ``HOME`` at call time so
tests and notebooks can point them elsewhere.

:func:`load_token` is the one judge of a token file: whatever it accepts, botocore can use;
everything else is a :class:`~sso_kit.errors.CacheError` that names the file and the fix and
never quotes the file (it holds secrets).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sso_kit.errors import CacheError, CacheUnreadableError
from sso_kit.files import NotRegularFileError, atomic_write, clean_stale_temp, read_regular

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

#: ``2026-01-31T12:00:00Z``, as :func:`format_timestamp` writes it
_CLI_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", re.ASCII)
#: Folders whose stale temp files this process has already removed
_cleaned: set[Path] = set()
#: Cache files are a few hundred bytes; anything this large is not one of them.
MAX_CACHE_BYTES = 1 << 20
_RELOGIN = "Log in again (sso-kit login) to replace it; nothing else is lost."

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


@functools.lru_cache(maxsize=16)
def _under(home: str, *parts: str) -> Path:
    """``home/parts``, built once per HOME (a flow asks for these folders a dozen times)."""
    return Path(home).joinpath(*parts)


def sso_cache_dir() -> Path:
    """``~/.aws/sso/cache`` (fixed path: AWS_CONFIG_FILE does not move it)."""
    return _under(os.path.expanduser("~"), ".aws", "sso", "cache")


def cli_cache_dir() -> Path:
    """``~/.aws/cli/cache``, where the AWS CLI keeps role credentials."""
    return _under(os.path.expanduser("~"), ".aws", "cli", "cache")


def format_timestamp(value: datetime) -> str:
    """The CLI's timestamp format: UTC, whole seconds, ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(
    text: str, *, path: Path | None = None, field: str = "timestamp", aware: bool = False
) -> datetime:
    """Parse a timestamp the way botocore does (dateutil), as an aware UTC datetime.

    Naive values are taken as UTC unless ``aware``: botocore compares token expiries with an
    aware "now", so a naive ``expiresAt`` crashes it and must be refused. The message names
    the field, never its value.
    """
    if isinstance(text, str) and _CLI_TIMESTAMP.match(text):
        # The CLI's own shape (what every writer of these files uses): no dateutil needed.
        with contextlib.suppress(ValueError):  # e.g. February 30th: dateutil says why below
            return datetime.fromisoformat(f"{text[:-1]}+00:00")
    from dateutil import parser

    where = f" in {path}" if path else ""

    def bad(reason: str) -> CacheError:
        return CacheError(
            f"The {field}{where} {reason}.",
            hint=_RELOGIN if path else "Use an ISO 8601 time such as 2026-01-31T12:00:00Z.",
        )

    if not isinstance(text, str):
        raise bad(f"is {_json_kind(text)}, not a timestamp")
    try:
        value = parser.parse(text)
        if value.tzinfo is None:
            if aware:
                raise bad("has no time zone")
            value = value.replace(tzinfo=timezone.utc)
        # An offset of 24 h or more (e.g. +99:00) only fails when used: check it now.
        return value.astimezone(timezone.utc)
    except CacheError:
        raise
    except (ValueError, OverflowError, TypeError, RecursionError):
        raise bad("is not a valid timestamp") from None


def _json_kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


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
    """Create ``directory`` and its missing parents below ``~/.aws`` owner-only (0700).

    ``mkdir(parents=True)`` gives parents the umask's mode (0755): ``~/.aws/sso`` would be
    world-listable although it only holds secrets.
    """
    home_aws = _under(os.path.expanduser("~"), ".aws")
    missing = []
    current = directory
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if folder.is_dir():
                continue
            raise CacheError(
                f"{folder} is a file, but the SSO cache needs a folder there.",
                hint="Move that file away, then log in again.",
            ) from None
        except OSError as exc:
            raise CacheError(
                f"Could not create the cache folder {folder} ({exc.strerror}).",
                hint="Check that your home folder is writable, then log in again.",
            ) from None
        if folder == home_aws or home_aws in folder.parents:
            os.chmod(folder, 0o700)


def _write(directory: Path, key: str, document: dict[str, Any]) -> Path:
    _ensure_dir(directory)
    path = directory / f"{key}.json"
    try:
        if path.exists() and not path.is_file():  # a folder, FIFO or device (maybe linked)
            raise NotRegularFileError(path, _kind(path))
        if directory not in _cleaned:  # once per folder and process: a scan per write adds up
            clean_stale_temp(directory)
            _cleaned.add(directory)
        # json.dumps defaults, as botocore's JSONFileCache writes: ", " / ": " separators,
        # ASCII only, no trailing newline.
        atomic_write(path, json.dumps(document).encode("ascii"), 0o600, durable=False)
    except NotRegularFileError as exc:
        raise CacheError(
            f"The cache file {path} is {exc.kind}, so no token can be written there.",
            hint=f"Move it out of {directory} (only cache files belong there), then log in again.",
        ) from None
    except OSError as exc:
        raise CacheError(
            f"Could not write the cache file {path} ({exc.strerror}).",
            hint=f"Check free space and that {directory} is writable by you, then log in again.",
        ) from None
    return path


def _kind(path: Path) -> str:
    from sso_kit.files import file_kind

    return file_kind(path.stat().st_mode)


def _corrupt(path: Path, what: str, label: str = "cache file") -> CacheError:
    return CacheError(f"The {label} {path} is corrupt: {what}.", hint=_RELOGIN)


def _unreadable(path: Path, exc: OSError, label: str) -> CacheUnreadableError:
    if isinstance(exc, NotRegularFileError):
        return CacheUnreadableError(
            f"The {label} {path} is {exc.kind}, not a file the AWS CLI wrote.",
            hint=f"Move it out of {path.parent} (only cache files belong there), then run "
            "sso-kit login.",
        )
    return CacheUnreadableError(
        f"The {label} {path} cannot be read ({exc.strerror}).",
        hint="Check its owner and permissions (it should be yours, mode 600), "
        "or delete it and log in again.",
    )


def load_json(path: Path, *, label: str = "cache file") -> dict[str, Any] | None:
    """Read one cache file: None if absent, CacheError if unreadable or not a JSON object.

    Never blocks (a FIFO is refused, not opened for a blocking read) and never quotes the
    file in the error.
    """
    try:
        data = read_regular(path, limit=MAX_CACHE_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno != errno.EFBIG:
            raise _unreadable(path, exc, label) from None
        raise _corrupt(path, f"it is larger than {MAX_CACHE_BYTES >> 20} MiB", label) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _corrupt(path, "it is not UTF-8 text", label) from None
    if not text.strip():
        raise _corrupt(path, "it is empty", label)
    try:
        document = json.loads(text)
    except RecursionError:
        raise _corrupt(path, "it is nested too deeply to be a cache file", label) from None
    except ValueError:
        raise _corrupt(path, "it is not valid JSON", label) from None
    if not isinstance(document, dict):
        raise _corrupt(path, f"it holds {_json_kind(document)}, not a JSON object", label)
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
    """Read a token file written by sso_kit, botocore or the AWS CLI (None if absent).

    The one judge of a token file (status, ls, doctor, login and logout all ask it): a token
    it returns is one botocore can use; anything else raises CacheError naming the file.
    """
    path = token_cache_path(session_name_or_start_url)
    doc = load_json(path, label="token file")
    if doc is None:
        return None
    for key in ("accessToken", "expiresAt"):
        value = doc.get(key)
        if value is None or value == "":
            raise _corrupt(path, f"it has no {key}", "token file")
    for key in ("accessToken", "startUrl", "region", "clientId", "clientSecret", "refreshToken"):
        if key in doc and not isinstance(doc[key], str):
            raise _corrupt(path, f"its {key} is {_json_kind(doc[key])}, not text", "token file")
    expires_at = parse_timestamp(doc["expiresAt"], path=path, field="expiresAt", aware=True)
    reg = doc.get("registrationExpiresAt")
    registration = (
        parse_timestamp(reg, path=path, field="registrationExpiresAt", aware=True)
        if reg is not None
        else None
    )
    return SsoToken(
        start_url=doc.get("startUrl", ""),
        region=doc.get("region", ""),
        expires_at=expires_at,
        path=path,
        access_token=doc["accessToken"],
        client_id=doc.get("clientId"),
        client_secret=doc.get("clientSecret"),
        registration_expires_at=registration,
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


class RoleCredentialCache:
    """``~/.aws/cli/cache`` as the dict botocore's SSO credential provider caches into.

    The AWS CLI v2 hands that provider a file cache of this folder; a plain botocore session
    keeps role credentials in memory, so each new client would call GetRoleCredentials again.
    Reads and writes go through this module (owner-only folders, atomic writes); an
    unreadable file counts as missing, so botocore fetches fresh credentials and rewrites it.

    botocore asks ``key in cache`` and then ``cache[key]``: the document read for the first is
    handed to the second on the same thread, one read per lookup. Its ``Expiration``, when in
    the CLI's shape, is handed over as the aware datetime it means, which botocore's expiry
    check takes as it is instead of parsing the text with dateutil (the same instant either way).
    """

    def __init__(self) -> None:
        self._last = threading.local()

    def __contains__(self, key: object) -> bool:
        document = self._load(key) if isinstance(key, str) else None
        self._last.seen = (key, document)
        return document is not None

    def __getitem__(self, key: str) -> dict[str, Any]:
        seen, self._last.seen = getattr(self._last, "seen", None), None
        document = seen[1] if seen is not None and seen[0] == key else self._load(key)
        if document is None:
            raise KeyError(key)
        return document

    def __setitem__(self, key: str, document: dict[str, Any]) -> None:
        self._last.seen = None
        _write(cli_cache_dir(), key, document)

    def _load(self, key: str) -> dict[str, Any] | None:
        try:
            document = load_json(cli_cache_dir() / f"{key}.json")
        except CacheError:
            return None
        credentials = document.get("Credentials") if document is not None else None
        expiration = credentials.get("Expiration") if isinstance(credentials, dict) else None
        if isinstance(expiration, str) and _CLI_TIMESTAMP.match(expiration):
            with contextlib.suppress(ValueError):  # e.g. February 30th: botocore's to judge
                credentials["Expiration"] = datetime.fromisoformat(f"{expiration[:-1]}+00:00")
        return document
