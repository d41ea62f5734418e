"""Log out like ``aws sso logout``, for one sso-session or for all of them.

For each token removed, the portal's Logout is called first (service errors are ignored, as
the CLI does); then the token file and the matching role-credential cache entries are deleted.
Registrations and unrelated files are kept. Role credentials already handed out stay valid
until they expire: logout cannot recall them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sso_kit import cache
from sso_kit.config import (
    SessionConfig,
    load_config,
    profiles_using_session,
    session_config,
    sso_client,
)
from sso_kit.errors import PortalError, ValidationError

__all__ = ["NOTE", "LogoutResult", "logout"]

NOTE = (
    "Role credentials already issued stay valid until they expire (at most the session "
    "duration of the permission set); logging out cannot recall them."
)


@dataclass(frozen=True)
class LogoutResult:
    removed_tokens: list[Path] = field(default_factory=list)
    removed_credentials: list[Path] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    note: str = NOTE


def _portal_logout(cfg: SessionConfig | None, region: str, access_token: str) -> None:
    """Revoke the token at the portal; service errors are ignored, network errors are not."""
    from botocore.exceptions import BotoCoreError, ClientError

    if cfg is None:
        cfg = SessionConfig(None, "", region, None, None)
    client = sso_client("sso", cfg, max_attempts=2)
    try:
        client.logout(accessToken=access_token)
    except ClientError:
        pass  # unknown or expired token: nothing left to revoke
    except BotoCoreError as exc:
        raise PortalError(
            f"Could not reach the access portal to log out of {cfg.label} "
            f"({type(exc).__name__}); nothing was deleted.",
            hint="Check the network or that the sandbox is running, then log out again.",
        ) from None


def _remove_token(path: Path, cfg: SessionConfig | None) -> bool:
    try:
        doc = cache.load_json(path)
    except Exception:
        return False  # not JSON: the CLI skips such files too
    if not doc or "accessToken" not in doc:
        return False  # registrations and other files are kept
    if doc.get("region"):
        _portal_logout(cfg, str(doc["region"]), str(doc["accessToken"]))
    path.unlink(missing_ok=True)
    return True


def _sso_credential_files() -> list[Path]:
    found = []
    directory = cache.cli_cache_dir()
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            doc = cache.load_json(path)
        except Exception:
            continue
        if doc and doc.get("ProviderType") == "sso":
            found.append(path)
    return found


def logout(sso_session: str | None = None, *, all: bool = False) -> LogoutResult:
    """Log out of one sso-session, or (``all=True``) of every cached session like the CLI."""
    if all == (sso_session is not None):
        raise ValidationError(
            "sso_session",
            "Say which session to log out of, or all of them.",
            hint="Use logout(sso_session='NAME') / --sso-session NAME, or all=True / --all.",
        )
    result = LogoutResult()
    if all:
        directory = cache.sso_cache_dir()
        config = load_config()
        by_file = {cache.token_cache_path(name).name: name for name in config["sso_sessions"]}
        for path in sorted(directory.glob("*")) if directory.is_dir() else []:
            name = by_file.get(path.name)
            cfg = None
            if name is not None:
                try:
                    cfg = session_config(sso_session=name)
                except Exception:
                    cfg = None
            if path.is_file() and _remove_token(path, cfg):
                result.removed_tokens.append(path)
                result.sessions.append(name or path.stem)
        for path in _sso_credential_files():
            path.unlink(missing_ok=True)
            result.removed_credentials.append(path)
        return result

    assert sso_session is not None
    cfg = session_config(sso_session=sso_session)
    path = cache.token_cache_path(cfg.cache_name)
    if path.is_file() and _remove_token(path, cfg):
        result.removed_tokens.append(path)
    result.sessions.append(sso_session)
    config = load_config()
    keys = set()
    for profile in profiles_using_session(sso_session, config):
        values = config["profiles"][profile]
        if values.get("sso_account_id") and values.get("sso_role_name"):
            keys.add(
                cache.role_credentials_cache_key(
                    values["sso_account_id"], values["sso_role_name"], session_name=sso_session
                )
            )
    for path in _sso_credential_files():
        if path.stem in keys:
            path.unlink(missing_ok=True)
            result.removed_credentials.append(path)
    return result
