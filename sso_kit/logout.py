"""Log out like ``aws sso logout``, for one sso-session or for all of them.

For each token removed, the portal's Logout is called first (service errors are ignored, as
the CLI does); then the token file and the matching role-credential cache entries are deleted.
Registrations and unrelated files are kept. Role credentials already handed out stay valid
until they expire: logout cannot recall them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sso_kit import cache, events
from sso_kit.config import (
    SessionConfig,
    load_config,
    profiles_using_session,
    session_config,
    sso_client,
)
from sso_kit.errors import CacheError, PortalError, SsoKitError, ValidationError

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


def _portal_logout(cfg: SessionConfig, region: str, access_token: str) -> None:
    """Revoke the token at the portal; service errors are ignored, network errors are not."""
    from botocore.exceptions import BotoCoreError, ClientError

    # The CLI calls Logout in the region the token file names.
    client = sso_client("sso", replace(cfg, sso_region=region), max_attempts=2)
    try:
        client.logout(accessToken=access_token)
    except ClientError:
        pass  # unknown or expired token: nothing left to revoke
    except BotoCoreError as exc:
        raise PortalError(
            f"Could not reach the access portal to log out of {cfg.label} "
            f"({type(exc).__name__}); its token file was kept.",
            hint="Check the network or that the sandbox is running, then log out again.",
        ) from None


def _remove_token(path: Path, cfg: SessionConfig | None) -> bool:
    try:
        doc = cache.load_json(path, label="token file")
    except CacheError:
        if cfg is None:
            return False  # not JSON and no session names it: the CLI skips such files too
        if not path.is_file():
            raise  # a folder or FIFO at the token path: say so, touch nothing
        path.unlink(missing_ok=True)  # an unreadable token cannot be revoked, only removed
        return True
    if doc is None:
        return False  # removed meanwhile
    token = doc.get("accessToken")
    if cfg is not None and not (isinstance(token, str) and token):
        path.unlink(missing_ok=True)  # the session's token path holds no usable token
        return True
    if "accessToken" not in doc:
        return False  # registrations and other files are kept
    if doc.get("region"):
        if cfg is None:  # no profile or session names this token: default endpoints
            cfg = SessionConfig(None, str(doc.get("startUrl") or path.name), "", None, None)
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


def _configs_by_token_file() -> dict[str, SessionConfig]:
    """Token file name -> the config that owns it (sessions, then legacy profiles).

    The config carries the profile whose endpoint settings the portal client must use, so a
    legacy profile pointed at the sandbox is logged out there, not at AWS.
    """
    config = load_config()
    found: dict[str, SessionConfig] = {}
    candidates = [{"sso_session": name} for name in config["sso_sessions"]] + [
        {"profile": name}
        for name, values in config["profiles"].items()
        if "sso_session" not in values and values.get("sso_start_url")
    ]
    for kwargs in candidates:
        try:
            cfg = session_config(**kwargs)
        except SsoKitError:
            continue  # incomplete section: its token (if any) uses the default endpoints
        found.setdefault(cache.token_cache_path(cfg.cache_name).name, cfg)
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
        by_file = _configs_by_token_file()
        for path in sorted(directory.glob("*")) if directory.is_dir() else []:
            cfg = by_file.get(path.name)
            name = cfg.cache_name if cfg is not None else None
            if path.is_file() and _remove_token(path, cfg):
                result.removed_tokens.append(path)
                result.sessions.append(name or path.stem)
        for path in _sso_credential_files():
            path.unlink(missing_ok=True)
            result.removed_credentials.append(path)
        events.publish("logout")
        return result

    assert sso_session is not None
    cfg = session_config(sso_session=sso_session)
    path = cache.token_cache_path(cfg.cache_name)
    if (path.exists() or path.is_symlink()) and _remove_token(path, cfg):
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
    events.publish("logout")
    return result
