"""One exception hierarchy for sso_kit.

Every message says what went wrong, names the profile or sso-session involved when there is
one, and ends with the next step. No message, repr or log line may carry a secret: use
:func:`redact` on anything that came from a server or a cache file before putting it in a
message.
"""

from __future__ import annotations

import re

__all__ = [
    "AuthorizationDeniedError",
    "AuthorizationExpiredError",
    "BucketError",
    "CacheError",
    "CacheUnreadableError",
    "ConfigError",
    "ConfigWriteError",
    "LoginCancelledError",
    "LoginError",
    "NotLoggedInError",
    "PortalError",
    "ProfileNotFoundError",
    "SandboxError",
    "SsoKitError",
    "ValidationError",
    "redact",
]

# Values that look like secrets (long base64/hex-ish runs) and key=value pairs whose key is a
# secret name. Used as a last line of defence: messages should never be built from secrets.
_SECRET_KEYS = re.compile(
    r"(?i)(accessToken|refreshToken|clientSecret|secretAccessKey|sessionToken|"
    r"aws_secret_access_key|aws_session_token|access_token|refresh_token|client_secret|"
    r"x-amz-sso_bearer_token|x-amz-security-token|deviceCode|device_code|codeVerifier|"
    r"code_verifier|idToken|id_token|password)"
    # separator: quotes, ':' or '=', and the b'' of a bytes repr (botocore logs headers so)
    r"(['\"]?\s*[:=]\s*b?['\"]?)([^'\",\s}&]+)"
)


def redact(text: str) -> str:
    """Replace the value of every secret-named field in ``text`` with ``***``."""
    return _SECRET_KEYS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", str(text))


class SsoKitError(Exception):
    """Base class. ``str(err)`` is a complete sentence plus the next step."""

    #: CLI exit code for this family of errors (documented in ``sso-kit --help``).
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        super().__init__(self.message if not self.hint else f"{self.message} {self.hint}")


class ValidationError(SsoKitError, ValueError):
    """A value typed by the learner is not valid; nothing was written."""

    exit_code = 2

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        self.field = field
        super().__init__(message, hint=hint)


class ConfigError(SsoKitError):
    """The AWS config file is missing something or cannot be parsed."""

    exit_code = 3


class ProfileNotFoundError(ConfigError):
    """The named profile or sso-session is not in the config file."""


class ConfigWriteError(ConfigError):
    """The config file could not be written; the original is untouched."""


class CacheError(SsoKitError):
    """A token, registration or credential cache file is unreadable or corrupt."""

    exit_code = 4


class CacheUnreadableError(CacheError):
    """A cache path cannot be read as a file (permissions, a folder, a FIFO, a device)."""


class NotLoggedInError(SsoKitError):
    """There is no usable SSO token for this session; log in first."""

    exit_code = 4


class LoginError(SsoKitError):
    """The login flow failed."""

    exit_code = 5


class AuthorizationDeniedError(LoginError):
    """The person at the browser chose Deny (or the service refused access)."""


class AuthorizationExpiredError(LoginError):
    """The user code expired before anyone approved it."""


class LoginCancelledError(LoginError):
    """Login was cancelled (Cancel button, Ctrl-C)."""


class PortalError(SsoKitError):
    """The AWS access portal (accounts, roles, role credentials) refused a call."""

    exit_code = 6


class BucketError(SsoKitError):
    """An S3 call of the tutorial failed."""

    exit_code = 7


class SandboxError(SsoKitError):
    """The offline sandbox could not be started, found or reached."""

    exit_code = 8
