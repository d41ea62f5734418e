"""One exception hierarchy for sso_kit.

Every message says what went wrong, names the profile or sso-session involved when there is
one, and ends with the next step. No message, repr or log line may carry a secret: use
:func:`redact` on anything that came from a server or a cache file before putting it in a
message.
"""

from __future__ import annotations

import re

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


def aws_error(exc: BaseException) -> tuple[str, str]:
    """``(code, message)`` of an AWS error answer (botocore ``ClientError``), message redacted.

    Both are ``""`` for anything that carries no AWS error answer (a network error, a bug), so
    callers can write ``code, message = aws_error(exc)`` and compare ``code`` directly.
    """
    response = getattr(exc, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    if not isinstance(error, dict):
        return "", ""
    return str(error.get("Code") or ""), redact(str(error.get("Message") or ""))


class SsoKitError(Exception):
    """Base class. ``str(err)`` is a complete sentence plus the next step."""

    #: CLI exit code for this family of errors (documented in ``sso-kit --help``).
    exit_code = 1
    #: What the exit code means, in a few words (the ``sso-kit --help`` table).
    exit_meaning = "unexpected error"

    def __init_subclass__(
        cls, *, exit_code: int | None = None, meaning: str | None = None, **kw: object
    ) -> None:
        """``class X(SsoKitError, exit_code=3, meaning="config problem")`` sets both."""
        super().__init_subclass__(**kw)
        if exit_code is not None:
            cls.exit_code = exit_code
        if meaning is not None:
            cls.exit_meaning = meaning

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact(message)
        self.hint = redact(hint) if hint else None
        super().__init__(self.message if not self.hint else f"{self.message} {self.hint}")


class ValidationError(SsoKitError, ValueError, exit_code=2, meaning="invalid input"):
    """A value typed by the learner is not valid; nothing was written."""

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        self.field = field
        super().__init__(message, hint=hint)


class ConfigError(SsoKitError, exit_code=3, meaning="config problem"):
    """The AWS config file is missing something or cannot be parsed."""


class ProfileNotFoundError(ConfigError):
    """The named profile or sso-session is not in the config file."""


class ConfigWriteError(ConfigError):
    """The config file could not be written; the original is untouched."""


class CacheError(SsoKitError, exit_code=4, meaning="bad token cache"):
    """A token, registration or credential cache file is unreadable or corrupt."""


class CacheUnreadableError(CacheError):
    """A cache path cannot be read as a file (permissions, a folder, a FIFO, a device)."""


class NotLoggedInError(SsoKitError, exit_code=4, meaning="not logged in"):
    """There is no usable SSO token for this session; log in first."""


class LoginError(SsoKitError, exit_code=5, meaning="login failed"):
    """The login flow failed."""


class AuthorizationDeniedError(LoginError):
    """The person at the browser chose Deny (or the service refused access)."""


class AuthorizationExpiredError(LoginError):
    """The user code expired before anyone approved it."""


class LoginCancelledError(LoginError):
    """Login was cancelled (Cancel button, Ctrl-C)."""


class PortalError(SsoKitError, exit_code=6, meaning="portal refused"):
    """The AWS access portal (accounts, roles, role credentials) refused a call."""


class BucketError(SsoKitError, exit_code=7, meaning="S3 failed"):
    """An S3 call of the tutorial failed."""


class SandboxError(SsoKitError, exit_code=8, meaning="sandbox problem"):
    """The offline sandbox could not be started, found or reached."""


class EnvironmentProblemError(SsoKitError, exit_code=9, meaning="environment problem (doctor)"):
    """``sso-kit doctor`` found a problem in the environment (tools, variables, files)."""


#: Exit codes that belong to no error class.
_OTHER_EXIT_CODES = {0: "success", 130: "interrupted"}


def exit_code_table() -> dict[int, str]:
    """Every exit code of ``sso-kit`` -> its meaning, built from the error classes."""
    table: dict[int, list[str]] = {}
    pending: list[type[SsoKitError]] = [SsoKitError]
    while pending:
        cls = pending.pop(0)
        meanings = table.setdefault(cls.exit_code, [])
        if cls.exit_meaning not in meanings:
            meanings.append(cls.exit_meaning)
        pending += cls.__subclasses__()
    codes = {**_OTHER_EXIT_CODES, **{code: " / ".join(m) for code, m in table.items()}}
    return dict(sorted(codes.items()))


def format_exit_codes(codes: list[int] | None = None, *, per_line: int = 4) -> str:
    """The ``exit codes:`` epilog of ``sso-kit --help`` (all codes, or just ``codes``)."""
    table = exit_code_table()
    items = [f"{code} {table[code]}" for code in (codes if codes is not None else table)]
    rows = [" · ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "exit codes:\n" + "\n".join(f"  {row}" for row in rows)
