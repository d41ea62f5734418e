"""Turn an error from botocore, boto3, the ``aws`` CLI or sso_kit into a cause and a fix.

Each rule recognises the exact text the real tools print (the sources are cited next to the
rule and in ``tests/unit/doctor/test_explain.py``) and answers in our own words. Rule ids are
shared with :mod:`sso_kit.doctor` findings, so ``explain`` and ``doctor`` name a cause the same
way. Nothing here touches the network or the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """One recognisable failure. ``patterns`` are regexes tried against the message text."""

    id: str
    title: str
    patterns: tuple[str, ...]
    cause: str
    fix: str
    source: str

    def match(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
            if found:
                return found
        return None


# Order matters: the first matching rule wins, so specific texts come before generic ones.
RULES: tuple[Rule, ...] = (
    Rule(
        "token.refresh_failed",
        "The SSO access token expired and could not be refreshed",
        (r"Token has expired and refresh failed", r"Refreshing token failed during the"),
        "The access token (about an hour long) ran out and botocore could not get a new one. "
        "Either the token was issued without a refresh token (the sso-session has no "
        "sso_registration_scopes, or another tool wrote it), the client registration expired, "
        "or the Identity Center session itself ended.",
        "Log in again: `sso-kit login --profile PROFILE` (or `aws sso login --profile PROFILE` "
        "with CLI v2). Make sure the [sso-session] has `sso_registration_scopes = "
        "sso:account:access` so the next token can refresh, then build a new boto3.Session.",
        "botocore/tokens.py DeferredRefreshableToken._protected_refresh",
    ),
    Rule(
        "token.no_refresh",
        "The cached token cannot be refreshed",
        (r"Unable to refresh SSO token: missing keys",),
        "The cached token has no refresh token or client registration, so botocore keeps "
        "using it until it expires and then fails.",
        "Add `sso_registration_scopes = sso:account:access` to the [sso-session] section and "
        "log in again with `sso-kit login --profile PROFILE`.",
        "botocore/tokens.py SSOTokenProvider._refresh_access_token",
    ),
    Rule(
        "config.sso_region_wrong",
        "sso_region is probably not your Identity Center region",
        (
            r"\(InvalidRequestException\) when calling the StartDeviceAuthorization operation",
            r"Invalid grant provided",
        ),
        "The OIDC service in the configured sso_region does not know this start URL. Most "
        "often sso_region was set to a workload region instead of the region where IAM "
        "Identity Center lives; otherwise the start URL itself has a typo.",
        "Set `sso_region` in the [sso-session] to the region shown in the access portal "
        "(for the sandbox: us-east-1) and compare `sso_start_url` letter by letter with the "
        "portal's address, then log in again.",
        "notes/sso-failures.md B-5 (aws/aws-cli#5058)",
    ),
    Rule(
        "token.invalid_grant",
        "The refresh token was rejected (invalid grant)",
        (
            r"InvalidGrantException",
            r"Invalid refresh token provided",
            r"invalid_grant",
        ),
        "Identity Center refused the refresh token: the user's session reached its maximum "
        "length (8 hours by default) or was revoked. This is expected, not a bug.",
        "Log in again with `sso-kit login --profile PROFILE`. If it happens too often, ask the "
        "administrator about the Identity Center session duration.",
        "botocore/data/sso-oidc/2019-06-10/service-2.json InvalidGrantException; "
        "notes/sso-failures.md B-4",
    ),
    Rule(
        "token.missing",
        "No SSO token is cached for this session",
        (r"Error loading SSO Token: Token for (?P<name>.+?) does not exist",),
        "There is no token file in ~/.aws/sso/cache for this sso-session (or start URL, for "
        "legacy profiles). You never logged in, you logged out, the sso-session was renamed, "
        "or this process runs with a different HOME or user than the one that logged in.",
        "Log in with `sso-kit login --profile PROFILE` (or `aws sso login --profile PROFILE`). "
        "Run `sso-kit doctor --profile PROFILE` to see which HOME and cache file are used.",
        "botocore/utils.py SSOTokenLoader.__call__",
    ),
    Rule(
        "token.invalid",
        "The cached token file is incomplete",
        (r"Error loading SSO Token: Token for (?P<name>.+?) is invalid",),
        "The token file exists but lacks `accessToken` or `expiresAt`: it was written by "
        "another tool or edited by hand.",
        "Log in again with `sso-kit login --profile PROFILE`; it rewrites the file in the "
        "AWS CLI format.",
        "botocore/utils.py SSOTokenLoader.__call__",
    ),
    Rule(
        "session.expired",
        "The SSO session has expired or was revoked",
        (r"The SSO session associated with this profile has expired or is otherwise invalid",),
        "The portal refused the cached token (it expired, someone logged out, or it was "
        "revoked), or a legacy profile's 8-hour token passed its expiry time.",
        "Log in again with `sso-kit login --profile PROFILE`. Prefer an [sso-session] with "
        "`sso_registration_scopes = sso:account:access` so tokens refresh on their own.",
        "botocore/exceptions.py UnauthorizedSSOTokenError",
    ),
    Rule(
        "credentials.unauthorized",
        "The portal did not accept the access token",
        (
            r"\(UnauthorizedException\) when calling the \w+ operation",
            r"Session token not found or invalid",
        ),
        "The access token sent to the AWS access portal is expired, logged out or revoked. "
        "This often happens when a cached accessToken is passed by hand after its one-hour "
        "lifetime.",
        "Let the SDK resolve credentials from the profile (`boto3.Session(profile_name=...)`) "
        "instead of passing tokens yourself, or log in again with `sso-kit login`.",
        "spec §6.4 (portal 401 UnauthorizedException); notes/sso-failures.md B-8",
    ),
    Rule(
        "credentials.no_access",
        "This identity may not use that account and role",
        (r"\(ForbiddenException\) when calling the GetRoleCredentials operation", r"No access$"),
        "The sso_account_id / sso_role_name pair is not assigned to the signed-in user: a typo "
        "in the role or account, an assignment that was removed or is still provisioning, or "
        "the browser was signed in as someone else.",
        "List what you may use with `sso-kit doctor --profile PROFILE` (or `aws sso "
        "list-account-roles`), fix sso_role_name / sso_account_id in the profile, or ask the "
        "administrator to assign the permission set.",
        "spec §7 'role not assigned'; notes/sso-failures.md B-9",
    ),
    Rule(
        "portal.no_assignments",
        "No accounts or roles are assigned to you",
        (
            r"No AWS accounts are available to you",
            r"No roles are available for the account",
        ),
        "The signed-in user has no permission-set assignment (yet), or the browser logged in "
        "as a different identity.",
        "Ask the administrator to assign a permission set, or sign out of the access portal "
        "and log in again as the right user.",
        "awscli/customizations/configure/sso.py (spec §1.4)",
    ),
    Rule(
        "login.pkce_callback",
        "The browser could not reach the login callback",
        (
            r"run this command again with the '--use-device-code' option",
            r"Unable to initialize the OAuth 2\.0 authorization callback handler",
            r"ERR_CONNECTION_REFUSED",
            r"127\.0\.0\.1:\d+/oauth/callback",
        ),
        "The authorization-code (PKCE) login listens on the loopback of the machine running "
        "the CLI. When that is a remote host, container or remote Jupyter kernel, your "
        "browser cannot reach it.",
        "Use the device-code flow: `aws sso login --use-device-code --no-browser`, or "
        "`sso-kit login` (device code by default).",
        "spec §2.4 (PKCE message and callback error); notes/sso-failures.md B-14/B-15",
    ),
    Rule(
        "login.expired",
        "The login was not approved in time",
        (
            r"The pending authorization to retrieve an SSO token has expired",
            r"\(ExpiredTokenException\) when calling the CreateToken operation",
        ),
        "Nobody approved the user code in the browser before it expired.",
        "Start again with `sso-kit login --profile PROFILE` and approve the code right away.",
        "spec §7 'device code or PKCE wait expired'",
    ),
    Rule(
        "config.start_url_invalid",
        "The start URL is not a valid AWS access portal URL",
        (
            r"The sso_start_url must use the https scheme",
            r"Not a valid Start URL",
            r"Could not resolve start URL",
            r"Failed to resolve start URL",
            r"Invalid start url provided",
            r"\(InvalidRequestException\) when calling the RegisterClient operation",
        ),
        "The start URL has a typo, uses http://, is a company link instead of the AWS access "
        "portal, or carries a `#/` copied from the browser address bar.",
        "Copy the exact portal URL (https://d-xxxxxxxxxx.awsapps.com/start, without `#/`) into "
        "`sso_start_url` with `sso-kit configure`.",
        "spec §2.2 and §7 'start URL not https'",
    ),
    Rule(
        "config.session_missing",
        "The profile names an sso-session that does not exist",
        (
            r"The specified sso-session does not exist: \"(?P<name>[^\"]*)\"",
            r"sso_session configuration does not exist",
        ),
        "`sso_session = NAME` in the profile has no matching [sso-session NAME] section: a "
        "typo, or the section was removed or renamed.",
        "Add the [sso-session NAME] section (`sso-kit configure`) or correct `sso_session` "
        "in the profile.",
        "botocore/credentials.py SSOProvider._resolve_sso_session_reference; "
        "botocore/tokens.py SSOTokenProvider._load_sso_config",
    ),
    Rule(
        "config.inconsistent",
        "The profile and its sso-session disagree",
        (r"The value for (?P<key>\w+) is inconsistent between profile",),
        "A half-migrated legacy profile keeps sso_start_url or sso_region next to "
        "`sso_session`, and the two values differ.",
        "Delete sso_start_url and sso_region from the [profile] section; keep them only in "
        "[sso-session].",
        "botocore/credentials.py SSOProvider._resolve_sso_session_reference",
    ),
    Rule(
        "config.sso_incomplete",
        "The SSO configuration is missing required keys",
        (
            r"Missing the following required SSO configuration values",
            r"is configured to use SSO but is missing required configuration",
            r"is configured to use the SSO token provider but is missing the following",
            r"Missing required configuration: sso_region",
        ),
        "A hand-edited config lacks sso_start_url / sso_region (in the [sso-session]) or "
        "sso_account_id / sso_role_name (in the profile).",
        "Write the profile again with `sso-kit configure` (it validates every value), or add "
        "the keys the message lists.",
        "botocore/credentials.py SSOProvider._load_sso_config; botocore/tokens.py; spec §1.3",
    ),
    Rule(
        "config.profile_missing",
        "The profile is not in the config file",
        (r"The config profile \((?P<name>[^)]*)\) could not be found",),
        "No section for this profile in the config file being read: a typo, `[NAME]` used "
        "instead of `[profile NAME]`, AWS_CONFIG_FILE pointing elsewhere, or a different HOME "
        "in this process.",
        "Run `sso-kit doctor --profile NAME` to see which file is read; use `[profile NAME]` "
        "for every profile except [default].",
        "botocore/exceptions.py ProfileNotFound",
    ),
    Rule(
        "config.region_missing",
        "No region is set for API calls",
        (r"You must specify a region",),
        "The profile has no `region` (sso_region only says where Identity Center lives; it is "
        "not used for ordinary API calls).",
        "Add `region = us-east-1` (or your workload region) to the profile, or pass "
        "region_name to boto3.",
        "botocore/exceptions.py NoRegionError",
    ),
    Rule(
        "config.sso_region_invalid",
        "The region name is not valid",
        (r"Provided region_name '(?P<name>[^']*)' doesn't match a supported format",),
        "The region has a typo or stray characters (for example a trailing space or quote).",
        "Use a region name such as `us-east-1`; `sso-kit configure` offers a list.",
        "botocore/exceptions.py InvalidRegionError",
    ),
    Rule(
        "env.static_keys",
        "Access keys in the environment are being used instead of the profile",
        (
            r"InvalidClientTokenId",
            r"The security token included in the request is invalid",
            r"InvalidAccessKeyId",
            r"The AWS Access Key Id you provided does not exist in our records",
        ),
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment "
        "beat AWS_PROFILE and the default profile, and those keys are stale or wrong.",
        "`unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN` (or in a notebook "
        "`os.environ.pop(...)`), then pass `--profile PROFILE`.",
        "notes/sso-failures.md B-13",
    ),
    Rule(
        "credentials.cached_after_logout",
        "Role credentials keep working after logout, then expire",
        (
            r"ExpiredToken",
            r"The provided token has expired",
            r"stay valid until they expire",
        ),
        "Logging out deletes the SSO token, but role credentials issued earlier (cached in "
        "~/.aws/cli/cache, exported as variables, or held by a running boto3 client) stay "
        "valid until they expire, and then calls fail with ExpiredToken.",
        "Run `sso-kit logout` (it also removes cached role credentials), unset exported "
        "AWS_* keys, restart the kernel or build a new boto3.Session, then log in again.",
        "notes/sso-failures.md B-21; awscli/customizations/sso/logout.py",
    ),
    Rule(
        "logout.global",
        "`aws sso logout` logs out every session",
        (r"aws sso logout",),
        "The AWS CLI's logout deletes every cached SSO token and SSO role credential, for all "
        "sessions, and prints nothing; the browser stays signed in to the portal.",
        "To log out one session only use `sso-kit logout --sso-session NAME`; to switch users "
        "also sign out in the access portal or use a private window.",
        "awscli/customizations/sso/logout.py (spec §8 item 8)",
    ),
    Rule(
        "clock.skew",
        "This machine's clock is wrong",
        (
            r"RequestTimeTooSkewed",
            r"The difference between the request time and the current time is too large",
            r"Signature expired: .* is now earlier than",
            r"Signature not yet current",
        ),
        "The local clock differs from AWS time, so signatures and token expiry checks fail "
        "even right after a fresh login.",
        "Synchronise the clock (`timedatectl set-ntp true`, or restart chrony/the VM/WSL), then "
        "retry; `sso-kit doctor` shows the measured skew.",
        "notes/sso-failures.md B-19",
    ),
    Rule(
        "env.aws_cli_v1",
        "This `aws` is the AWS CLI version 1, which cannot log in with SSO",
        (
            r"argument operation: Invalid choice, valid choices are",
            r"argument subcommand: Invalid choice",
        ),
        "`pip install awscli` installs CLI v1: it can use a cached SSO token but has no "
        "`aws sso login` or `aws configure sso`.",
        "Use the AWS CLI v2 (official installer) or `sso-kit login --profile PROFILE`; v1 "
        "commands such as `aws s3 ls --profile PROFILE` then work with the cached token.",
        "local check with awscli 1.46.3 (notes/sso-failures.md B-20)",
    ),
    Rule(
        "env.botocore_old",
        "botocore in this Python is too old for SSO",
        (r"Unknown service: '(sso|sso-oidc)'",),
        "The botocore in this kernel predates IAM Identity Center support (the SSO provider "
        "arrived in 1.17.0, sso-session profiles in 1.29.10).",
        "Upgrade in the kernel's environment: `%pip install -U boto3 botocore`, then restart "
        "the kernel.",
        "botocore/exceptions.py UnknownServiceError; notes/sso-failures.md B-20",
    ),
    Rule(
        "credentials.none",
        "No credentials were found",
        (r"Unable to locate credentials",),
        "Nothing in the credential chain applied: the profile lacks sso_account_id and "
        "sso_role_name, no profile was selected, or botocore is older than 1.17 (no SSO "
        "support).",
        "Pass `--profile PROFILE` (or set AWS_PROFILE) and run `sso-kit doctor --profile PROFILE`.",
        "botocore/exceptions.py NoCredentialsError",
    ),
    Rule(
        "token.unreadable",
        "The token cache file cannot be read by this user",
        (r"\[Errno 13\] Permission denied: '[^']*\.aws/(sso|cli)/cache",),
        "The cache belongs to another user (a container or kernel running with a different "
        "UID than the one that logged in); cache files are owner-only because they hold "
        "refresh tokens.",
        "Run as the same user (or the same UID in the container), or log in inside this "
        "environment with `sso-kit login`. Do not make the cache world-readable.",
        "notes/sso-failures.md B-25",
    ),
    Rule(
        "s3.access_denied",
        "The permission set does not allow listing buckets",
        (r"\(AccessDenied\) when calling the ListBuckets operation",),
        "The role you signed in with lacks s3:ListAllMyBuckets, or the call used a different "
        "identity than you think (static keys in the environment).",
        "Use a profile whose permission set allows s3:ListAllMyBuckets (in the sandbox: "
        "S3ReadOnly or PowerUserAccess), or ask the administrator to add it.",
        "notes/sso-failures.md 'Tutorial-specific extra (S3 step)'",
    ),
    Rule(
        "net.tls",
        "TLS certificate validation failed",
        (r"SSL validation failed for", r"CERTIFICATE_VERIFY_FAILED"),
        "A proxy that inspects TLS presents a certificate Python does not trust, or "
        "AWS_CA_BUNDLE / ca_bundle points at a missing file.",
        "Set `AWS_CA_BUNDLE` (or `ca_bundle` in the profile) to your company CA file, and "
        "check that the path exists.",
        "botocore/exceptions.py SSLError",
    ),
    Rule(
        "net.proxy",
        "The proxy could not be reached",
        (r"Failed to connect to proxy URL",),
        "HTTPS_PROXY / HTTP_PROXY points at a proxy that does not answer.",
        "Fix or unset HTTPS_PROXY; add local addresses such as 127.0.0.1 to NO_PROXY.",
        "botocore/exceptions.py ProxyConnectionError",
    ),
    Rule(
        "net.unreachable",
        "The endpoint could not be reached",
        (
            r"Could not connect to the endpoint URL",
            r"Connect timeout on endpoint URL",
            r"Failed to establish a new connection",
        ),
        "No network route to the service: offline, a firewall, a proxy that is not set, or "
        "the sandbox (endpoint_url) is not running.",
        "Check the network or proxy settings (HTTPS_PROXY, NO_PROXY); for the sandbox start "
        "it with `sso-kit sandbox`.",
        "botocore/exceptions.py EndpointConnectionError, ConnectTimeoutError",
    ),
)

UNKNOWN = Explanation(
    "unknown",
    "Not a message sso-kit recognises",
    "This text does not match any known IAM Identity Center, AWS CLI or S3 failure.",
    "Run `sso-kit doctor --profile PROFILE` to check your setup step by step.",
)


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
        cause = rule.cause
        name = found.groupdict().get("name") or found.groupdict().get("key")
        if name:
            cause = f"{cause} (Named in the message: {redact(name.strip())}.)"
        return Explanation(rule.id, rule.title, cause, rule.fix)
    return UNKNOWN
