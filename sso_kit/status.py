"""Am I logged in, until when, and can it refresh? Read from the cache only: no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sso_kit import cache
from sso_kit.config import load_config, session_config

__all__ = ["Status", "check_cached_login", "status"]


@dataclass(frozen=True)
class Status:
    profile: str | None
    sso_session: str | None
    logged_in: bool
    expires_at: datetime | None
    refreshable: bool
    registration_expires_at: datetime | None
    token_path: Path
    message: str


def check_cached_login(profile: str) -> None:
    """Raise the kit's error where botocore would crash on the profile's config or token.

    botocore's SSO providers raise ConfigParseError, TypeError or ValueError on an
    unparsable config or a corrupt token file; asking :func:`~sso_kit.cache.load_token` first
    turns those into ConfigError (exit 3) or CacheError (exit 4). A missing profile, a
    non-SSO profile or a missing token is left to botocore, whose errors are already clear.
    """
    config = load_config()
    values = config["profiles"].get(profile)
    if values is None or not (values.get("sso_session") or values.get("sso_start_url")):
        return
    cache.load_token(session_config(profile, config=config).cache_name)


def status(
    profile: str | None = None, *, sso_session: str | None = None, now: datetime | None = None
) -> Status:
    """Describe the cached token for a profile or session; never logs in, never calls AWS."""
    cfg = session_config(profile, sso_session)
    now = now or cache.utc_now()
    path = cache.token_cache_path(cfg.cache_name)
    token = cache.load_token(cfg.cache_name)
    shown_profile = profile if profile is not None or sso_session else cfg.client_profile
    if token is None:
        return Status(
            shown_profile,
            cfg.sso_session,
            False,
            None,
            False,
            None,
            path,
            f"Not logged in to {cfg.label}. Run {cfg.login_hint}.",
        )
    logged_in = token.is_valid(now)
    refreshable = token.refreshable(now) and cfg.sso_session is not None
    until = cache.format_timestamp(token.expires_at)
    if logged_in:
        message = f"Logged in to {cfg.label} until {until}"
        message += (
            " (refreshes automatically)."
            if refreshable
            else f" (cannot refresh: run {cfg.login_hint} again before then)."
        )
    elif refreshable:
        message = (
            f"The access token for {cfg.label} expired at {until}, but it can refresh: "
            "the next AWS call renews it."
        )
    else:
        message = f"The login for {cfg.label} expired at {until}. Run {cfg.login_hint}."
    return Status(
        shown_profile,
        cfg.sso_session,
        logged_in,
        token.expires_at,
        refreshable,
        token.registration_expires_at,
        path,
        message,
    )
