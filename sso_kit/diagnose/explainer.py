"""Turn an error from botocore, boto3, the ``aws`` CLI or sso_kit into a cause and a fix.

Each rule recognises the exact text the real tools print (``tests/unit/doctor/test_explain.py``
produces most of them with the real botocore) and answers with the failure catalogue's title,
cause and fix, the same words ``doctor`` uses for the same id. Nothing here touches the network
or the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sso_kit.diagnose.catalogue import failure
from sso_kit.errors import aws_error, redact

__all__ = ["RULES", "Explanation", "Rule", "explain"]


@dataclass(frozen=True)
class Explanation:
    """What a message means: a stable ``id``, a short title, the cause and the fix."""

    id: str
    title: str
    cause: str
    fix: str

    def __str__(self) -> str:
        return f"{self.title}\nCause: {self.cause}\nFix: {self.fix}"


@dataclass(frozen=True)
class Rule:
    """A catalogue id and the regexes (tried against the message text) that recognise it."""

    id: str
    patterns: tuple[str, ...]

    def match(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
            if found:
                return found
        return None


# Order matters: the first matching rule wins, so specific texts come before generic ones.
# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("token.refresh_failed", (r"Token has expired and refresh failed", r"Refreshing token failed during the")),
    Rule("token.no_refresh", (r"Unable to refresh SSO token: missing keys",)),
    Rule("config.sso_region_wrong", (r"\(InvalidRequestException\) when calling the StartDeviceAuthorization operation", r"Invalid grant provided")),
    Rule("token.invalid_grant", (r"InvalidGrantException", r"Invalid refresh token provided", r"invalid_grant")),
    Rule("token.missing", (r"Error loading SSO Token: Token for (?P<name>.+?) does not exist",)),
    Rule("token.invalid", (r"Error loading SSO Token: Token for (?P<name>.+?) is invalid",)),
    Rule("session.expired", (r"The SSO session associated with this profile has expired or is otherwise invalid",)),
    Rule("credentials.unauthorized", (r"\(UnauthorizedException\) when calling the \w+ operation", r"Session token not found or invalid")),
    Rule("credentials.no_access", (r"\(ForbiddenException\) when calling the GetRoleCredentials operation", r"No access$")),
    Rule("portal.no_assignments", (r"No AWS accounts are available to you", r"No roles are available for the account")),
    Rule("login.pkce_callback", (r"run this command again with the '--use-device-code' option", r"Unable to initialize the OAuth 2\.0 authorization callback handler", r"ERR_CONNECTION_REFUSED", r"127\.0\.0\.1:\d+/oauth/callback")),
    Rule("login.expired", (r"The pending authorization to retrieve an SSO token has expired", r"\(ExpiredTokenException\) when calling the CreateToken operation")),
    Rule("config.start_url_invalid", (r"The sso_start_url must use the https scheme", r"Not a valid Start URL", r"Could not resolve start URL", r"Failed to resolve start URL", r"Invalid start url provided", r"\(InvalidRequestException\) when calling the RegisterClient operation")),
    Rule("config.session_missing", (r"The specified sso-session does not exist: \"(?P<name>[^\"]*)\"", r"sso_session configuration does not exist")),
    Rule("config.inconsistent", (r"The value for (?P<key>\w+) is inconsistent between profile",)),
    Rule("config.sso_incomplete", (r"Missing the following required SSO configuration values", r"is configured to use SSO but is missing required configuration", r"is configured to use the SSO token provider but is missing the following", r"Missing required configuration: sso_region")),
    Rule("config.profile_missing", (r"The config profile \((?P<name>[^)]*)\) could not be found",)),
    Rule("config.region_missing", (r"You must specify a region",)),
    Rule("config.sso_region_invalid", (r"Provided region_name '(?P<name>[^']*)' doesn't match a supported format",)),
    Rule("env.static_keys", (r"InvalidClientTokenId", r"The security token included in the request is invalid", r"InvalidAccessKeyId", r"The AWS Access Key Id you provided does not exist in our records")),
    Rule("credentials.cached_after_logout", (r"ExpiredToken", r"The provided token has expired", r"stay valid until they expire")),
    Rule("logout.global", (r"aws sso logout",)),
    Rule("clock.skew", (r"RequestTimeTooSkewed", r"The difference between the request time and the current time is too large", r"Signature expired: .* is now earlier than", r"Signature not yet current")),
    Rule("env.aws_cli_v1", (r"argument operation: Invalid choice, valid choices are", r"argument subcommand: Invalid choice")),
    Rule("env.botocore_old", (r"Unknown service: '(sso|sso-oidc)'",)),
    Rule("credentials.none", (r"Unable to locate credentials",)),
    Rule("token.unreadable", (r"\[Errno 13\] Permission denied: '[^']*\.aws/(sso|cli)/cache",)),
    Rule("s3.access_denied", (r"\(AccessDenied\) when calling the ListBuckets operation",)),
    Rule("net.tls", (r"SSL validation failed for", r"CERTIFICATE_VERIFY_FAILED")),
    Rule("net.proxy", (r"Failed to connect to proxy URL",)),
    Rule("net.unreachable", (r"Could not connect to the endpoint URL", r"Connect timeout on endpoint URL", r"Failed to establish a new connection")),
)
# fmt: on

UNKNOWN = Explanation(
    "unknown",
    "Not a message sso-kit recognises",
    "This text does not match any known IAM Identity Center, AWS CLI or S3 failure.",
    "Run `sso-kit doctor --profile PROFILE` to check your setup step by step.",
)


def _explanation(rule_id: str, name: str | None) -> Explanation:
    entry = failure(rule_id)
    cause, fix = entry.render()  # no profile is known here: the texts say PROFILE
    if name:
        cause = f"{cause} (Named in the message: {redact(name.strip())}.)"
    return Explanation(entry.id, entry.title, cause, fix)


def _text_of(error_or_text: BaseException | str) -> str:
    """Flatten an exception (with its chain) or pasted text into one searchable string."""
    if isinstance(error_or_text, str):
        return error_or_text
    parts: list[str] = []
    seen: set[int] = set()
    exc: BaseException | None = error_or_text
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        parts.append(f"{type(exc).__name__}: {exc}")
        code, message = aws_error(exc)
        if code or message:
            parts.append(f"{code} {message}")
        exc = exc.__cause__ or exc.__context__
    return "\n".join(parts)


def explain(error_or_text: BaseException | str) -> Explanation:
    """Explain an exception or a pasted error message; never raises, never echoes secrets.

    Returns the ``unknown`` explanation (with a pointer to ``doctor``) when nothing matches.
    """
    if not isinstance(error_or_text, (str, BaseException)):
        raise TypeError(
            "explain() takes an exception or the text of an error message, "
            f"not {type(error_or_text).__name__}; pass str(value) if you meant the text."
        )
    text = _text_of(error_or_text)
    for rule in RULES:
        found = rule.match(text)
        if found is None:
            continue
        return _explanation(rule.id, found.groupdict().get("name") or found.groupdict().get("key"))
    return UNKNOWN
