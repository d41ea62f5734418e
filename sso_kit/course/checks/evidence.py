"""What the checks read: the files ``aws configure sso`` and ``aws sso login`` leave behind.

Whichever path made them (widgets or a terminal), the config, the token in ``~/.aws/sso/cache``
and the CLI's role-credential cache look the same, so the checks look only here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sso_kit import cache
from sso_kit.errors import SsoKitError

__all__ = [
    "SECRET_KEYS",
    "TOKEN_KEYS",
    "config_file",
    "hosted_jupyter",
    "load_config",
    "mask",
    "role_credential_files",
    "role_key",
    "token_doc",
    "token_summary",
]

TOKEN_KEYS = ("startUrl", "region", "accessToken", "expiresAt")
SECRET_KEYS = frozenset(
    {"accessToken", "refreshToken", "clientSecret", "SecretAccessKey", "SessionToken"}
)


def hosted_jupyter(environ: dict[str, str] | None = None) -> bool:
    """True on JupyterHub or Binder, where the learner's browser is not on the kernel's machine.

    There the PKCE login cannot work (its redirect goes to 127.0.0.1 on the server), so the
    commands use ``--use-device-code``.
    """
    env = os.environ if environ is None else environ
    return any(k in env for k in ("JUPYTERHUB_API_URL", "BINDER_LAUNCH_HOST", "BINDER_REPO_URL"))


def mask(value: Any, keep: int = 4) -> str:
    """A secret shown by its length and last characters only, e.g. ``***(1042 chars)…x9Qa``."""
    text = str(value)
    if len(text) <= keep * 3:
        return "***"
    return f"***({len(text)} chars)…{text[-keep:]}"


def load_config() -> dict[str, Any]:
    """The parsed config (profiles and sso-sessions), as botocore reads it."""
    from sso_kit.config import load_config

    return load_config()


def config_file() -> Path:
    from sso_kit.config import config_path

    return config_path()


def token_doc(sso_session: str) -> tuple[Path, dict[str, Any] | None, str | None]:
    """(path, JSON document or None, error text when the file is unreadable)."""
    path = cache.token_cache_path(sso_session)
    try:
        return path, cache.load_json(path), None
    except SsoKitError as exc:
        return path, None, str(exc)


def role_credential_files() -> list[tuple[Path, dict[str, Any]]]:
    """Every ``ProviderType: sso`` file in ``~/.aws/cli/cache`` (the CLI's role credentials),
    found as ``aws sso logout`` finds them."""
    from sso_kit.logout import _sso_credential_files

    found = []
    for path in _sso_credential_files():
        try:
            found.append((path, cache.load_json(path) or {}))
        except SsoKitError:  # removed or rewritten meanwhile
            continue
    return found


def role_key(profile_values: dict[str, Any], sso_session: str) -> str | None:
    """The CLI's cache key for the profile's account and role (None while either is unset)."""
    account, role = profile_values.get("sso_account_id"), profile_values.get("sso_role_name")
    if not account or not role:
        return None
    return cache.role_credentials_cache_key(str(account), str(role), session_name=sso_session)


def token_summary(sso_session: str) -> str:
    """The token file's keys with every secret masked: what ``aws sso login`` left behind."""
    path, doc, error = token_doc(sso_session)
    if error:
        return f"{path}: {error}"
    if doc is None:
        return f"{path}: no such file (not logged in)."
    lines = [f"{path.name}  (sha1 of the session name {sso_session!r})"]
    for key, value in doc.items():
        lines.append(f"  {key:22} {mask(value) if key in SECRET_KEYS else value}")
    return "\n".join(lines)
