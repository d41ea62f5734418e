"""Read and edit the AWS config file the way the AWS CLI does.

Reading goes through botocore's own loader, so sso_kit sees exactly what boto3 and the CLI see.
Editing uses ConfigUpdater (comment-preserving) and follows the CLI writer's rules: update keys
in place, insert new keys after the section's last option, append new sections at the end with
no blank line. Every other byte is kept. Writes are atomic (temp file in the same directory,
fsync, ``os.replace``, original mode kept, new files 0600), hold an inter-process lock, and keep
a bounded number of backups.

Split by concept: :mod:`sso_kit.config_read` reads, :mod:`sso_kit.config_edit` writes (with
locks and backups), and this module resolves a profile to its sso-session and re-exports all
public names, so ``from sso_kit.config import ...`` works as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from sso_kit.config_edit import (
    BACKUP_PREFIX,
    KEEP_BACKUPS,
    ConfigChange,
    configure_profile,
    migrate_legacy_profile,
    remove_profile,
    remove_sso_session,
    replace_config,
    set_endpoint_url,
)
from sso_kit.config_read import (
    LEGACY_KEYS,
    LegacyProfile,
    config_path,
    find_legacy_profiles,
    load_config,
    profiles_using_session,
    read_profile,
    read_sso_session,
)
from sso_kit.errors import ConfigError, ProfileNotFoundError

__all__ = [
    "BACKUP_PREFIX",
    "KEEP_BACKUPS",
    "ConfigChange",
    "LegacyProfile",
    "SessionConfig",
    "config_path",
    "configure_profile",
    "default_profile",
    "find_legacy_profiles",
    "load_config",
    "migrate_legacy_profile",
    "profiles_using_session",
    "read_profile",
    "read_sso_session",
    "remove_profile",
    "remove_sso_session",
    "replace_config",
    "session_config",
    "set_endpoint_url",
    "sso_client",
]

# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class SessionConfig:
    """Everything needed to log in to one sso-session (or a legacy profile)."""

    sso_session: str | None  # None: a legacy profile, token keyed by start URL
    start_url: str
    sso_region: str
    scopes: list[str] | None  # as configured (None when the key is absent)
    client_profile: str | None  # profile whose endpoint settings the clients use

    @property
    def cache_name(self) -> str:
        """What the token file name is the sha1 of."""
        return self.sso_session or self.start_url

    @property
    def label(self) -> str:
        return f'sso-session "{self.sso_session}"' if self.sso_session else self.start_url

    @property
    def login_hint(self) -> str:
        if self.sso_session:
            return f"sso-kit login --sso-session {self.sso_session}"
        return f"sso-kit login --profile {self.client_profile}"


def default_profile() -> str:
    """The profile the AWS tools would pick: AWS_PROFILE, AWS_DEFAULT_PROFILE, default."""
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def session_config(
    profile: str | None = None,
    sso_session: str | None = None,
    *,
    config: dict[str, Any] | None = None,
) -> SessionConfig:
    """Resolve the sso-session for a profile or a session name, like ``aws sso login``.

    ``config``: a :func:`load_config` result the caller already has (one parse per call).
    """
    config = config if config is not None else load_config()
    client_profile: str | None = None
    if sso_session is None:
        profile = profile or default_profile()
        values = config["profiles"].get(profile)
        if values is None:
            raise ProfileNotFoundError(
                f'The profile "{profile}" is not in {config_path()}.',
                hint=f"Create it with: sso-kit configure --profile {profile} ...",
            )
        client_profile = profile
        sso_session = values.get("sso_session")
        if sso_session is None:  # legacy profile: keys live in the profile itself
            missing = [k for k in LEGACY_KEYS if not values.get(k)]
            if missing:
                raise ConfigError(
                    f'The profile "{profile}" is missing {", ".join(missing)} for SSO.',
                    hint=f"Run: sso-kit configure --profile {profile} --sso-session NAME ...",
                )
            return SessionConfig(
                None, values["sso_start_url"], values["sso_region"], None, client_profile
            )
    else:
        users = profiles_using_session(sso_session, config)
        if profile is None and users:
            client_profile = users[0]
        elif profile is not None:
            client_profile = profile
    values = read_sso_session(sso_session, config)
    missing = [k for k in LEGACY_KEYS if not values.get(k)]
    if missing:
        raise ConfigError(
            f'The sso-session "{sso_session}" is missing {", ".join(missing)}.',
            hint=f"Run: sso-kit configure --sso-session {sso_session} --start-url URL "
            "--sso-region REGION ...",
        )
    raw = values.get("sso_registration_scopes")
    scopes = None if raw is None else [s.strip() for s in raw.split(",") if s.strip()]
    return SessionConfig(
        sso_session, values["sso_start_url"], values["sso_region"], scopes, client_profile
    )


def sso_client(service: str, cfg: SessionConfig, *, max_attempts: int = 3) -> Any:
    """An unsigned ``sso``/``sso-oidc`` client that honours the profile's endpoint settings."""
    from sso_kit.clients import cached_client

    return cached_client(
        service,
        profile=cfg.client_profile,
        region=cfg.sso_region,
        unsigned=True,
        max_attempts=max_attempts,
    )
