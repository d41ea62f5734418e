"""Show what really went over the wire, with every secret masked, for "what just happened".

* :func:`recorded_calls` lists the AWS API operations boto3 made inside a block (step 01's
  administrator, for example), names only: never parameters, never answers.
* :func:`device_flow` retells a login: the code, its interval and expiry, the pending polls,
  the token file's keys (secrets masked) and the role credentials' expiry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sso_kit import cache
from sso_kit.course.checks import mask, token_summary

__all__ = [
    "describe_calls",
    "device_flow",
    "keep_role_credentials",
    "portal_link",
    "recorded_calls",
    "role_credentials_summary",
    "try_old_credentials",
]

_LOCK = threading.Lock()


@contextmanager
def recorded_calls() -> Iterator[list[str]]:
    """Collect ``service.Operation`` for every botocore API call made in this block."""
    from botocore.client import BaseClient

    calls: list[str] = []
    with _LOCK:
        original = BaseClient._make_api_call

        def recording(client: Any, operation_name: str, api_params: Any) -> Any:
            calls.append(f"{client.meta.service_model.service_name}.{operation_name}")
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = recording  # type: ignore[method-assign]
        try:
            yield calls
        finally:
            BaseClient._make_api_call = original  # type: ignore[method-assign]


def describe_calls(calls: list[str]) -> str:
    """One line per call, repeats folded (``identitystore.ListUsers ×3``)."""
    lines: list[str] = []
    count = 0
    for i, call in enumerate(calls):
        count += 1
        if i + 1 == len(calls) or calls[i + 1] != call:
            lines.append(f"  {call}" + (f" ×{count}" if count > 1 else ""))
            count = 0
    return "\n".join(lines) if lines else "  (no AWS call: everything was there already)"


def _when(value: datetime, now: datetime) -> str:
    minutes = int((value - now).total_seconds() // 60)
    return f"{cache.format_timestamp(value)} (in {minutes} min)"


def role_credentials_summary(profile: str) -> str:
    """GetRoleCredentials for the profile's role: the key id masked, and when it expires."""
    from sso_kit.portal import get_role_credentials

    creds = get_role_credentials(profile=profile)
    now = cache.utc_now()
    return (
        f"GetRoleCredentials(account {creds.account_id}, role {creds.role_name})\n"
        f"  accessKeyId     {mask(creds.access_key_id)}\n"
        f"  secretAccessKey {mask(creds.secret_access_key)}\n"
        f"  sessionToken    {mask(creds.session_token)}\n"
        f"  expiration      {_when(creds.expiration, now)}"
    )


def device_flow(panel: Any, *, sso_session: str, profile: str | None = None) -> str:
    """The login a :class:`~sso_kit.ui.login_panel.LoginPanel` just did, step by step."""
    pending = getattr(panel, "pending", None)
    if pending is None:
        return "No login yet: click Log in above, approve the code, then run this cell again."
    now = cache.utc_now()
    expires = pending.expires_at
    if not isinstance(expires, datetime):
        expires = datetime.fromtimestamp(float(expires), tz=now.tzinfo)
    pending_polls = max(int(getattr(panel, "polls", 0)) - (1 if panel.result else 0), 0)
    lines = [
        "1. RegisterClient: the kit's OAuth client (cached in ~/.aws/sso/cache for months)",
        "2. StartDeviceAuthorization ->",
        f"     userCode        {pending.user_code}   (you compared it on the sign-in page)",
        f"     verificationUri {pending.verification_uri}",
        f"     interval        {pending.interval} s between polls",
        f"     expiresIn       until {cache.format_timestamp(expires)}",
        "     deviceCode      *** (never shown: whoever holds it gets your token)",
        f"3. CreateToken, {pending_polls} time(s) -> AuthorizationPendingException "
        "(you had not approved yet)",
    ]
    if panel.result is None:
        lines.append("4. (still waiting, or the login ended without a token)")
        return "\n".join(lines)
    lines.append("4. CreateToken -> accessToken, refreshToken, expiresIn: saved as")
    lines.append("   " + token_summary(sso_session).replace("\n", "\n   "))
    if profile:
        try:
            lines.append("5. " + role_credentials_summary(profile).replace("\n", "\n   "))
        except Exception as exc:  # e.g. no role chosen yet: the transcript stays useful
            lines.append(f"5. GetRoleCredentials: not yet ({getattr(exc, 'message', exc)})")
    return "\n".join(lines)


def keep_role_credentials(profile: str) -> Any:
    """Step 08, before logout: fetch the role's credentials and hold them (None if logged out)."""
    from sso_kit.errors import SsoKitError
    from sso_kit.portal import get_role_credentials

    try:
        return get_role_credentials(profile=profile)
    except SsoKitError:
        return None


def try_old_credentials(creds: Any, kit: Any) -> str:
    """Step 08, after logout: list buckets with credentials obtained before it."""
    from sso_kit.clients import new_session
    from sso_kit.status import status

    if creds is None:
        return "No credentials were kept (you were not logged in above): nothing to show."
    if status(kit.profile).logged_in:
        return "You are still logged in: click Log out above, then run this cell again."
    # a session of its own on the process's parsed models; the keys go to the client itself
    # (that session resolves its own credentials through the provider chain)
    s3 = new_session(region_name="us-east-1").client(
        "s3",
        endpoint_url=kit.endpoint_url,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
    )
    names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    return (
        f"Logged out, yet the key {mask(creds.access_key_id)} obtained before the logout still "
        f"lists {len(names)} bucket(s). It keeps working until "
        f"{_when(creds.expiration, cache.utc_now())}: logout deletes the token and the cached "
        "copies, but cannot recall credentials already handed out."
    )


def portal_link(kit: Any) -> str:
    """Markdown: a link to the access portal page where the start URL and SSO region are shown."""
    if not kit.use_sandbox:
        return (
            f"Open your AWS access portal at [{kit.start_url}]({kit.start_url}) and choose "
            "*Access keys* next to a role: the start URL and SSO region are listed there."
        )
    base = (getattr(kit.sandbox, "public_url", None) or kit.endpoint_url).rstrip("/")
    return (
        f"Open the sandbox's access portal page: [{base}/portal]({base}/portal) "
        "(it shows the start URL, the SSO region, and your accounts and roles)."
    )
