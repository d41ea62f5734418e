"""The failure catalogue: every finding id of ``doctor`` and ``explain``, written once.

Each :class:`Failure` has a title, the cause in plain words and the fix. ``cause`` and ``fix``
may name ``{profile}`` and a few other values; doctor fills them from what it found, explain
(which knows only the message) with placeholders such as ``PROFILE``. A declarative table:
change a text here and both commands say it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FAILURES", "Failure", "failure"]


class _Placeholders(dict):  # type: ignore[type-arg]
    """Format values: a name without a value stays a visible placeholder (``NAME``)."""

    def __missing__(self, key: str) -> str:
        return key.upper()


@dataclass(frozen=True)
class Failure:
    """One known failure (or, for ``ok`` findings, one passed check)."""

    id: str
    stage: str
    title: str
    cause: str = ""
    fix: str = ""

    def render(self, **values: Any) -> tuple[str, str]:
        """(cause, fix) with the values filled in."""
        names = _Placeholders(values)
        return self.cause.format_map(names), self.fix.format_map(names)


def failure(finding_id: str) -> Failure:
    """The catalogue entry for ``finding_id`` (KeyError names an id nobody wrote down)."""
    return FAILURES[finding_id]


_F = Failure
# fmt: off
FAILURES: dict[str, Failure] = {f.id: f for f in (
    # -- environment -------------------------------------------------------------------------------
    _F(
        "env.config_file",
        "environment",
        "The AWS config file is found",
    ),
    _F(
        "env.static_keys",
        "environment",
        "Access keys in the environment are being used instead of the profile",
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment "
        "beat AWS_PROFILE and the default profile, and those keys are stale or wrong.",
        "`unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN` (or in a notebook "
        "`os.environ.pop(...)`), then pass `--profile {profile}`.",
    ),
    _F(
        "env.botocore_old",
        "environment",
        "botocore in this Python is too old for SSO",
        "The botocore in this kernel predates IAM Identity Center support (the SSO provider "
        "arrived in 1.17.0, sso-session profiles in 1.29.10).",
        "Upgrade in the kernel's environment: `%pip install -U boto3 botocore`, then restart "
        "the kernel.",
    ),
    _F(
        "env.botocore",
        "environment",
        "botocore reads sso-session profiles",
    ),
    _F(
        "net.ca_bundle_missing",
        "environment",
        "AWS_CA_BUNDLE points at a missing file",
        "Every HTTPS call fails TLS validation when the CA bundle file is missing.",
        "Point AWS_CA_BUNDLE at your company CA file, or `unset AWS_CA_BUNDLE`.",
    ),
    _F(
        "env.aws_cli_missing",
        "environment",
        "The AWS CLI is not installed",
        "The tutorial's terminal commands need the AWS CLI.",
        "Install the AWS CLI v2, or use the `sso-kit` commands instead.",
    ),
    _F(
        "env.aws_cli_v1",
        "environment",
        "This `aws` is the AWS CLI version 1, which cannot log in with SSO",
        "`pip install awscli` installs CLI v1: it can use a cached SSO token but has no `aws "
        "sso login` or `aws configure sso`.",
        "Use the AWS CLI v2 (official installer) or `sso-kit login --profile {profile}`; v1 "
        "commands such as `aws s3 ls --profile {profile}` then work with the cached token.",
    ),
    _F(
        "env.config_file_missing",
        "environment",
        "There is no AWS config file",
        "No AWS config file at the path this process reads: never configured, AWS_CONFIG_FILE "
        "points elsewhere, or this kernel runs with another HOME/user.",
        "Create the profile with `sso-kit configure`, or fix AWS_CONFIG_FILE / HOME.",
    ),
    _F(
        "env.home_mismatch",
        "environment",
        "HOME is not the user's home directory",
        "The kernel reads ~/.aws under HOME; your terminal may use another directory.",
        "If the terminal and notebook disagree, set the same HOME (or AWS_CONFIG_FILE).",
    ),
    _F(
        "env.home_changed",
        "environment",
        "HOME changed after botocore was imported",
        "botocore fixes the token cache directory when it is first imported; HOME changed since "
        "then.",
        "Restart the kernel after changing HOME.",
    ),
    _F(
        "env.profile_conflict",
        "environment",
        "AWS_PROFILE and AWS_DEFAULT_PROFILE disagree",
        "AWS_PROFILE wins, but some tools read only AWS_DEFAULT_PROFILE, so two commands can "
        "use two different profiles.",
        "Keep one: `unset AWS_DEFAULT_PROFILE`.",
    ),
    _F(
        "env.aws_cli",
        "environment",
        "The AWS CLI is installed",
    ),
    _F(
        "env.aws_cli_unknown",
        "environment",
        "The `aws` command did not report a version",
        "This `aws` did not report an AWS CLI version.",
        "Check which `aws` is first on PATH (`which -a aws`).",
    ),
    _F(
        "net.tls",
        "environment",
        "TLS certificate validation failed",
        "A proxy that inspects TLS presents a certificate Python does not trust, or "
        "AWS_CA_BUNDLE / ca_bundle points at a missing file.",
        "Set `AWS_CA_BUNDLE` (or `ca_bundle` in the profile) to your company CA file, and check "
        "that the path exists.",
    ),
    _F(
        "net.proxy",
        "environment",
        "The proxy could not be reached",
        "HTTPS_PROXY / HTTP_PROXY points at a proxy that does not answer.",
        "Fix or unset HTTPS_PROXY; add local addresses such as 127.0.0.1 to NO_PROXY.",
    ),
    _F(
        "net.unreachable",
        "environment",
        "The endpoint could not be reached",
        "No network route to the service: offline, a firewall, a proxy that is not set, or the "
        "sandbox (endpoint_url) is not running.",
        "Check the network or proxy settings (HTTPS_PROXY, NO_PROXY); for the sandbox start it "
        "with `sso-kit sandbox`.",
    ),
    # -- config ------------------------------------------------------------------------------------
    _F(
        "config.profile_missing",
        "config",
        "The profile is not in the config file",
        "No section for this profile in the config file being read: a typo, `[NAME]` used "
        "instead of `[profile NAME]`, AWS_CONFIG_FILE pointing elsewhere, or a different HOME "
        "in this process.",
        "Run `sso-kit doctor --profile NAME` to see which file is read; use `[profile NAME]` "
        "for every profile except [default].",
    ),
    _F(
        "config.sso_incomplete",
        "config",
        "The SSO configuration is missing required keys",
        "A hand-edited config lacks sso_start_url / sso_region (in the [sso-session]) or "
        "sso_account_id / sso_role_name (in the profile).",
        "Write the profile again with `sso-kit configure` (it validates every value), or add "
        "the keys the message lists.",
    ),
    _F(
        "config.account_id_invalid",
        "config",
        "sso_account_id is not 12 digits",
        "An AWS account id is exactly 12 digits.",
        "Copy the account id from the access portal (keep leading zeros).",
    ),
    _F(
        "config.region_missing",
        "config",
        "No region is set for API calls",
        "The profile has no `region` (sso_region only says where Identity Center lives; it is "
        "not used for ordinary API calls).",
        "Add `region = us-east-1` (or your workload region) to the profile, or pass region_name "
        "to boto3.",
    ),
    _F(
        "config.endpoint",
        "config",
        "The profile sets endpoint_url",
    ),
    _F(
        "config.endpoint_dead",
        "config",
        "The profile's endpoint_url has nothing behind it",
        "The profile points at a local sandbox that is not running (or that came back on "
        "another port), so every login fails to connect.",
        "Start the lab (`make lab`: it repairs the profile) or `sso-kit sandbox`, or set "
        "endpoint_url to the address it prints.",
    ),
    _F(
        "config.profile_syntax",
        "config",
        "The profile header lacks the word `profile`",
        "In ~/.aws/config every profile except [default] must be written [profile NAME]; a bare "
        "[NAME] is ignored.",
        "Rename the header to [profile {profile}].",
    ),
    _F(
        "config.session_missing",
        "config",
        "The profile names an sso-session that does not exist",
        "`sso_session = NAME` in the profile has no matching [sso-session NAME] section: a "
        "typo, or the section was removed or renamed.",
        "Add the [sso-session NAME] section (`sso-kit configure`) or correct `sso_session` in "
        "the profile.",
    ),
    _F(
        "config.mixed_keys",
        "config",
        "SSO keys appear in both the profile and the sso-session",
        "A half-migrated legacy profile: harmless while equal, an error once they differ.",
        "Delete {key} from [profile {profile}].",
    ),
    _F(
        "config.scopes_missing",
        "config",
        "The sso-session has no sso_registration_scopes",
        "Without scopes the device-code login gets a token with no refresh token, so you must "
        "log in again every hour.",
        "Add `sso_registration_scopes = sso:account:access` to [sso-session {session}] and log "
        "in again.",
    ),
    _F(
        "config.session",
        "config",
        "The sso-session is complete",
    ),
    _F(
        "config.sso_region",
        "config",
        "sso_region is a valid region",
    ),
    _F(
        "config.sso_region_wrong",
        "config",
        "sso_region is probably not your Identity Center region",
        "The OIDC service in the configured sso_region does not know this start URL. Most often "
        "sso_region was set to a workload region instead of the region where IAM Identity "
        "Center lives; otherwise the start URL itself has a typo.",
        "Set `sso_region` in the [sso-session] to the region shown in the access portal (for "
        "the sandbox: us-east-1) and compare `sso_start_url` letter by letter with the portal's "
        "address, then log in again.",
    ),
    _F(
        "config.unparsable",
        "config",
        "The config file is not valid INI",
        "The config file is not valid INI (a missing `]`, a line without `=` ...).",
        "Open {config_file} and fix the line, or write it with `sso-kit configure`.",
    ),
    _F(
        "config.legacy",
        "config",
        "The profile uses the legacy SSO format",
        "Legacy SSO profiles get a fixed 8-hour token that never refreshes.",
        "Move them into an [sso-session] with `sso-kit configure` (it writes the modern format "
        "with sso_registration_scopes).",
    ),
    _F(
        "config.not_sso",
        "config",
        "The profile does not use IAM Identity Center",
        "This profile does not use IAM Identity Center at all.",
        "Configure it with `sso-kit configure --profile {profile}`.",
    ),
    _F(
        "config.inconsistent",
        "config",
        "The profile and its sso-session disagree",
        "A half-migrated legacy profile keeps sso_start_url or sso_region next to "
        "`sso_session`, and the two values differ.",
        "Delete sso_start_url and sso_region from the [profile] section; keep them only in "
        "[sso-session].",
    ),
    _F(
        "config.start_url_invalid",
        "config",
        "The start URL is not a valid AWS access portal URL",
        "The start URL has a typo, uses http://, is a company link instead of the AWS access "
        "portal, or carries a `#/` copied from the browser address bar.",
        "Copy the exact portal URL (https://d-xxxxxxxxxx.awsapps.com/start, without `#/`) into "
        "`sso_start_url` with `sso-kit configure`.",
    ),
    _F(
        "config.sso_region_invalid",
        "config",
        "The region name is not valid",
        "The region has a typo or stray characters (for example a trailing space or quote).",
        "Use a region name such as `us-east-1`; `sso-kit configure` offers a list.",
    ),
    # -- token -------------------------------------------------------------------------------------
    _F(
        "token.missing",
        "token",
        "No SSO token is cached for this session",
        "There is no token file in ~/.aws/sso/cache for this sso-session (or start URL, for "
        "legacy profiles). You never logged in, you logged out, the sso-session was renamed, or "
        "this process runs with a different HOME or user than the one that logged in.",
        "Log in with `sso-kit login --profile {profile}` (or `aws sso login --profile "
        "{profile}`). Run `sso-kit doctor --profile {profile}` to see which HOME and cache file "
        "are used.",
    ),
    _F(
        "token.invalid",
        "token",
        "The cached token file is damaged or incomplete",
        "The token file exists but botocore cannot use it (not JSON, no `accessToken` or "
        "`expiresAt`, an impossible date, …): another tool, a hand edit or an interrupted "
        "write left it so.",
        "Log in again with `sso-kit login --profile {profile}`; it replaces the file with a "
        "fresh token in the AWS CLI format.",
    ),
    _F(
        "token.foreign_owner",
        "token",
        "The token file belongs to another user",
        "Cache files are owner-only; a different user (container UID, kernel user) usually "
        "cannot read them.",
        "Run as the same user, or log in as this one: `{login}`.",
    ),
    _F(
        "token.permissions",
        "token",
        "Others can read the token file",
        "The token cache holds refresh tokens and client secrets; others can read it.",
        "`chmod 600 {path}`",
    ),
    _F(
        "token.start_url_mismatch",
        "token",
        "The token was issued for another start URL",
        "The start URL changed after you logged in, so this token belongs to another portal.",
        "Log in again: `{login}`.",
    ),
    _F(
        "token.no_refresh",
        "token",
        "The cached token cannot be refreshed",
        "The cached token has no refresh token or client registration, so botocore keeps using "
        "it until it expires and then fails.",
        "Add `sso_registration_scopes = sso:account:access` to the [sso-session] section and "
        "log in again with `sso-kit login --profile {profile}`.",
    ),
    _F(
        "clock.skew",
        "token",
        "This machine's clock is wrong",
        "The local clock differs from AWS time, so signatures and token expiry checks fail even "
        "right after a fresh login.",
        "Synchronise the clock (`timedatectl set-ntp true`, or restart chrony/the VM/WSL), then "
        "retry; `sso-kit doctor` shows the measured skew.",
    ),
    _F(
        "clock.ok",
        "token",
        "The clock agrees with the server",
    ),
    _F(
        "token.unreadable",
        "token",
        "The token cache path cannot be read as a file",
        "The cache belongs to another user (a container or kernel running with a different UID "
        "than the one that logged in; cache files are owner-only because they hold refresh "
        "tokens), or something that is not a file (a folder, a FIFO, a device) sits where the "
        "token belongs.",
        "If it is not a file, move it out of the way and log in again with `sso-kit login "
        "--profile {profile}`. If it belongs to another user, run as that user (or the same UID "
        "in the container), or log in inside this environment. Do not make the cache "
        "world-readable.",
    ),
    _F(
        "token.expired_refreshable",
        "token",
        "The access token expired but can refresh",
        "The access token expired, but botocore will refresh it on the next call (doctor does "
        "not refresh it, so it skips the portal checks).",
        "Nothing to do; if the next call still fails, log in again: `{login}`.",
    ),
    _F(
        "token.expired",
        "token",
        "The SSO login has expired",
        "The access token ran out and cannot be refreshed, so every call fails with 'Token has "
        "expired and refresh failed'.",
        "Log in again: `{login}`.",
    ),
    _F(
        "token.expiring_soon",
        "token",
        "The SSO login expires soon and cannot refresh",
        "Tools treat a token with less than 15 minutes left as expired.",
        "Log in again soon: `{login}`.",
    ),
    _F(
        "token.valid",
        "token",
        "The SSO access token is valid",
    ),
    _F(
        "token.registration_expired",
        "token",
        "The client registration has expired",
        "botocore cannot refresh with an expired client registration.",
        "Log in again to register a new client: `{login}`.",
    ),
    _F(
        "clock.unchecked",
        "token",
        "The clock could not be compared with the server",
        "Without a server answer doctor cannot measure clock skew.",
        "Check the network (or that the sandbox runs) and run doctor again.",
    ),
    _F(
        "token.refresh_failed",
        "token",
        "The SSO access token expired and could not be refreshed",
        "The access token (about an hour long) ran out and botocore could not get a new one. "
        "Either the token was issued without a refresh token (the sso-session has no "
        "sso_registration_scopes, or another tool wrote it), the client registration expired, "
        "or the Identity Center session itself ended.",
        "Log in again: `sso-kit login --profile {profile}` (or `aws sso login --profile "
        "{profile}` with CLI v2). Make sure the [sso-session] has `sso_registration_scopes = "
        "sso:account:access` so the next token can refresh, then build a new boto3.Session.",
    ),
    _F(
        "token.invalid_grant",
        "token",
        "The refresh token was rejected (invalid grant)",
        "Identity Center refused the refresh token: the user's session reached its maximum "
        "length (8 hours by default) or was revoked. This is expected, not a bug.",
        "Log in again with `sso-kit login --profile {profile}`. If it happens too often, ask "
        "the administrator about the Identity Center session duration.",
    ),
    _F(
        "session.expired",
        "token",
        "The SSO session has expired or was revoked",
        "The portal refused the cached token (it expired, someone logged out, or it was "
        "revoked), or a legacy profile's 8-hour token passed its expiry time.",
        "Log in again with `sso-kit login --profile {profile}`. Prefer an [sso-session] with "
        "`sso_registration_scopes = sso:account:access` so tokens refresh on their own.",
    ),
    _F(
        "login.pkce_callback",
        "token",
        "The browser could not reach the login callback",
        "The authorization-code (PKCE) login listens on the loopback of the machine running the "
        "CLI. When that is a remote host, container or remote Jupyter kernel, your browser "
        "cannot reach it.",
        "Use the device-code flow: `aws sso login --use-device-code --no-browser`, or `sso-kit "
        "login` (device code by default).",
    ),
    _F(
        "login.expired",
        "token",
        "The login was not approved in time",
        "Nobody approved the user code in the browser before it expired.",
        "Start again with `sso-kit login --profile {profile}` and approve the code right away.",
    ),
    _F(
        "logout.global",
        "token",
        "`aws sso logout` logs out every session",
        "The AWS CLI's logout deletes every cached SSO token and SSO role credential, for all "
        "sessions, and prints nothing; the browser stays signed in to the portal.",
        "To log out one session only use `sso-kit logout --sso-session NAME`; to switch users "
        "also sign out in the access portal or use a private window.",
    ),
    # -- credentials -------------------------------------------------------------------------------
    _F(
        "credentials.ok",
        "credentials",
        "The portal issues role credentials",
    ),
    _F(
        "credentials.no_access",
        "credentials",
        "This identity may not use that account and role",
        "The sso_account_id / sso_role_name pair is not assigned to the signed-in user: a typo "
        "in the role or account, an assignment that was removed or is still provisioning, or "
        "the browser was signed in as someone else.",
        "List what you may use with `sso-kit doctor --profile {profile}` (or `aws sso "
        "list-account-roles`), fix sso_role_name / sso_account_id in the profile, or ask the "
        "administrator to assign the permission set.",
    ),
    _F(
        "credentials.cached_after_logout",
        "credentials",
        "Role credentials keep working after logout, then expire",
        "Logging out deletes the SSO token, but role credentials issued earlier (cached in "
        "~/.aws/cli/cache, exported as variables, or held by a running boto3 client) stay valid "
        "until they expire, and then calls fail with ExpiredToken.",
        "Run `sso-kit logout` (it also removes cached role credentials), unset exported AWS_* "
        "keys, restart the kernel or build a new boto3.Session, then log in again.",
    ),
    _F(
        "credentials.unauthorized",
        "credentials",
        "The portal did not accept the access token",
        "The access token sent to the AWS access portal is expired, logged out or revoked. This "
        "often happens when a cached accessToken is passed by hand after its one-hour lifetime.",
        "Let the SDK resolve credentials from the profile (`boto3.Session(profile_name=...)`) "
        "instead of passing tokens yourself, or log in again with `sso-kit login`.",
    ),
    _F(
        "portal.no_assignments",
        "credentials",
        "No accounts or roles are assigned to you",
        "The signed-in user has no permission-set assignment (yet), or the browser logged in as "
        "a different identity.",
        "Ask the administrator to assign a permission set, or sign out of the access portal and "
        "log in again as the right user.",
    ),
    _F(
        "credentials.none",
        "credentials",
        "No credentials were found",
        "Nothing in the credential chain applied: the profile lacks sso_account_id and "
        "sso_role_name, no profile was selected, or botocore is older than 1.17 (no SSO "
        "support).",
        "Pass `--profile {profile}` (or set AWS_{profile}) and run `sso-kit doctor --profile "
        "{profile}`.",
    ),
    # -- s3 ----------------------------------------------------------------------------------------
    _F(
        "s3.ok",
        "s3",
        "S3 answers with these credentials",
    ),
    _F(
        "s3.access_denied",
        "s3",
        "The permission set does not allow listing buckets",
        "The role you signed in with lacks s3:ListAllMyBuckets, or the call used a different "
        "identity than you think (static keys in the environment).",
        "Use a profile whose permission set allows s3:ListAllMyBuckets (in the sandbox: "
        "S3ReadOnly or PowerUserAccess), or ask the administrator to add it.",
    ),
)}
# fmt: on
