"""The AWS access portal: which accounts and roles you may use, and role credentials.

Calls go through boto3's own unsigned ``sso`` client (bearer token from the cache), created
from the profile so that its endpoint settings (the sandbox) apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sso_kit import cache
from sso_kit.config import SessionConfig, load_config, read_profile, session_config, sso_client
from sso_kit.errors import NotLoggedInError, PortalError, ValidationError, aws_error
from sso_kit.validate import validate_account_id

__all__ = [
    "Account",
    "RoleCredentials",
    "access_token",
    "get_role_credentials",
    "list_account_roles",
    "list_accounts",
]


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str


@dataclass(frozen=True)
class RoleCredentials:
    """Short-lived role credentials; the secret parts never appear in repr."""

    account_id: str
    role_name: str
    access_key_id: str
    expiration: datetime
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)


def access_token(cfg: SessionConfig) -> str:
    """A cached, unexpired access token for the session (never logs in)."""
    token = cache.load_token(cfg.cache_name)
    if token is None or not token.is_valid():
        state = "has expired" if token is not None else "is missing"
        raise NotLoggedInError(
            f"The SSO token for {cfg.label} {state}.",
            hint=f"Run {cfg.login_hint}.",
        )
    return token.access_token


def _call(cfg: SessionConfig, operation: str, fn: Any) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return fn()
    except ClientError as exc:
        code, message = aws_error(exc)
        if code == "UnauthorizedException":
            raise NotLoggedInError(
                f"The access portal says the session for {cfg.label} has expired or was "
                f"revoked ({message or code}).",
                hint=f"Run {cfg.login_hint} --force.",
            ) from None
        raise PortalError(
            f"{operation} for {cfg.label} failed: {code} {message}".rstrip(),
            hint="Check the account id and role name (sso-kit status), or ask your "
            "administrator for an assignment.",
        ) from None
    except BotoCoreError as exc:
        raise PortalError(
            f"Could not reach the access portal for {cfg.label} ({type(exc).__name__}).",
            hint="Check the network or that the sandbox is running.",
        ) from None


def list_accounts(*, profile: str | None = None, sso_session: str | None = None) -> list[Account]:
    """Every account the signed-in person can use (all pages)."""
    cfg = session_config(profile, sso_session)
    token = access_token(cfg)
    client = sso_client("sso", cfg)

    def fetch() -> list[Account]:
        pages = client.get_paginator("list_accounts").paginate(accessToken=token)
        return [
            Account(a["accountId"], a.get("accountName", ""), a.get("emailAddress", ""))
            for page in pages
            for a in page.get("accountList", [])
        ]

    return _call(cfg, "ListAccounts", fetch)


def list_account_roles(
    account_id: str, *, profile: str | None = None, sso_session: str | None = None
) -> list[str]:
    """Role (permission set) names available in one account, sorted like the CLI's menu."""
    account_id = validate_account_id(account_id)
    cfg = session_config(profile, sso_session)
    token = access_token(cfg)
    client = sso_client("sso", cfg)

    def fetch() -> list[str]:
        pages = client.get_paginator("list_account_roles").paginate(
            accessToken=token, accountId=account_id
        )
        return [r["roleName"] for page in pages for r in page.get("roleList", [])]

    return sorted(_call(cfg, "ListAccountRoles", fetch), key=str.lower)


def get_role_credentials(*, profile: str) -> RoleCredentials:
    """Role credentials for a profile's account and role, cached as the AWS CLI does."""
    config = load_config()  # one parse for the profile and its session
    values = read_profile(profile, config)
    account, role = values.get("sso_account_id"), values.get("sso_role_name")
    if not account or not role:
        raise ValidationError(
            "profile",
            f'The profile "{profile}" has no sso_account_id / sso_role_name.',
            hint=f"Run sso-kit configure --profile {profile} --account-id ID --role-name ROLE ...",
        )
    cfg = session_config(profile, config=config)
    token = access_token(cfg)
    client = sso_client("sso", cfg)
    response = _call(
        cfg,
        "GetRoleCredentials",
        lambda: client.get_role_credentials(roleName=role, accountId=account, accessToken=token),
    )
    creds = response["roleCredentials"]
    expiration = datetime.fromtimestamp(creds["expiration"] / 1000, timezone.utc)
    key = cache.role_credentials_cache_key(
        account, role, session_name=cfg.sso_session, start_url=cfg.start_url
    )
    cache.save_role_credentials(
        key,
        access_key_id=creds["accessKeyId"],
        secret_access_key=creds["secretAccessKey"],
        session_token=creds["sessionToken"],
        expiration=expiration,
        account_id=account,
    )
    return RoleCredentials(
        account_id=account,
        role_name=role,
        access_key_id=creds["accessKeyId"],
        expiration=expiration.replace(microsecond=0),
        secret_access_key=creds["secretAccessKey"],
        session_token=creds["sessionToken"],
    )
