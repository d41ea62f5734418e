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

__all__ = ["describe_calls", "device_flow", "recorded_calls", "role_credentials_summary"]

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
