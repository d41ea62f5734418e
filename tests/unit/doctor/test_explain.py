"""explain(): one case per real message, each produced by the real code where we can.

Where botocore raises the message itself, the case builds it by running botocore (so a change
in botocore's wording fails the test). Texts that only the AWS CLI v2 prints are quoted as it
prints them; the last column says which program prints the text.
"""

from __future__ import annotations

import pytest
from botocore import exceptions as bx
from botocore.credentials import SSOProvider
from botocore.tokens import SSOTokenProvider
from botocore.utils import SSOTokenLoader

from sso_kit import explain as public_explain
from sso_kit.diagnose import explain as doctor_explain
from sso_kit.diagnose.explainer import RULES, UNKNOWN, Explanation, explain


def _raised(fn):
    """Run ``fn`` and return the exception it raises (the real one, with botocore's text)."""
    try:
        fn()
    except Exception as exc:
        return exc
    raise AssertionError("expected the call to raise")


def _client_error(code: str, message: str, operation: str, **extra) -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": code, "Message": message}, **extra}, operation)


def _sso_provider_error(config: dict) -> Exception:
    provider = SSOProvider(lambda: config, client_creator=None, profile_name="dev")
    return _raised(provider.load)


class _FakeSession:
    """Just enough of botocore.session.Session for SSOTokenProvider._load_sso_config."""

    def __init__(self, config: dict) -> None:
        self.full_config = config

    def get_config_variable(self, name):  # pragma: no cover - profile passed explicitly
        return None


def _token_provider_error(config: dict) -> Exception:
    return _raised(lambda: SSOTokenProvider(_FakeSession(config), profile_name="dev").load_token())


SESSION = {"sso_start_url": "https://d-1234567890.awsapps.com/start", "sso_region": "us-east-1"}

CASES = [
    # (sentence id, message or exception factory, expected rule id, source)
    (
        "token file missing for an sso-session (botocore SSOTokenLoader)",
        lambda: _raised(lambda: SSOTokenLoader(cache={})("https://x", session_name="my-sso")),
        "token.missing",
        "botocore/utils.py SSOTokenLoader.__call__",
    ),
    (
        "token file missing as printed by the CLI for a legacy profile",
        "aws: [ERROR]: Error loading SSO Token: Token for "
        "https://d-1234567890.awsapps.com/start does not exist",
        "token.missing",
        "AWS CLI v2 'legacy profile, no token file'",
    ),
    (
        "token file lacks accessToken (botocore SSOTokenLoader)",
        lambda: _raised(
            lambda: SSOTokenLoader(cache={SSOTokenLoader()._generate_cache_key("u", "s"): {}})(
                "u", session_name="s"
            )
        ),
        "token.invalid",
        "botocore/utils.py SSOTokenLoader.__call__",
    ),
    (
        "sso session expired (botocore UnauthorizedSSOTokenError)",
        lambda: bx.UnauthorizedSSOTokenError(),
        "session.expired",
        "botocore/exceptions.py UnauthorizedSSOTokenError",
    ),
    (
        "token expired and refresh failed (botocore TokenRetrievalError)",
        lambda: bx.TokenRetrievalError(
            provider="sso", error_msg="Token has expired and refresh failed"
        ),
        "token.refresh_failed",
        "botocore/tokens.py DeferredRefreshableToken._protected_refresh",
    ),
    (
        "refresh impossible because keys are missing (botocore log line)",
        "Unable to refresh SSO token: missing keys: ['refreshToken']",
        "token.no_refresh",
        "botocore/tokens.py SSOTokenProvider._refresh_access_token",
    ),
    (
        "refresh rejected with InvalidGrantException",
        lambda: _client_error(
            "InvalidGrantException",
            "Invalid refresh token provided",
            "CreateToken",
            error="invalid_grant",
            error_description="Invalid refresh token provided",
        ),
        "token.invalid_grant",
        "AWS CLI v2, modeled InvalidGrantException",
    ),
    (
        "browser shows invalid grant after approving with the wrong sso region",
        "invalid_grant — Invalid grant provided",
        "config.sso_region_wrong",
        "notes B-5",
    ),
    (
        "StartDeviceAuthorization refused in the wrong sso region",
        "An error occurred (InvalidRequestException) when calling the "
        "StartDeviceAuthorization operation: ",
        "config.sso_region_wrong",
        "notes B-5",
    ),
    (
        "boto3 client without a region (botocore NoRegionError)",
        lambda: bx.NoRegionError(),
        "config.region_missing",
        "botocore/exceptions.py NoRegionError",
    ),
    (
        "start URL with http is refused by the CLI",
        "aws: [ERROR]: An error occurred (Configuration): The sso_start_url must use the "
        "https scheme.",
        "config.start_url_invalid",
        "AWS CLI v2 'start URL not https'",
    ),
    (
        "start URL typo rejected by the configure sso wizard",
        "Not a valid Start URL",
        "config.start_url_invalid",
        "AWS CLI v2 prompt 2",
    ),
    (
        "vanity start URL that does not resolve to AWS",
        "Could not resolve start URL 'https://sso.example.com' to an AWS-owned endpoint. "
        "Final URL: 'https://login.example.com'",
        "config.start_url_invalid",
        "AWS CLI v2",
    ),
    (
        "RegisterClient rejects the start URL",
        "An error occurred (InvalidRequestException) when calling the RegisterClient "
        "operation: \nAdditional error details:\nerror: invalid_request\n"
        "error_description: Invalid start url provided",
        "config.start_url_invalid",
        "AWS CLI v2",
    ),
    (
        "portal says session token not found or invalid",
        lambda: _client_error(
            "UnauthorizedException", "Session token not found or invalid", "GetRoleCredentials"
        ),
        "credentials.unauthorized",
        "AWS CLI v2 portal 401",
    ),
    (
        "portal says no access for the role",
        lambda: _client_error("ForbiddenException", "No access", "GetRoleCredentials"),
        "credentials.no_access",
        "AWS CLI v2 'role not assigned'",
    ),
    (
        "no accounts available in configure sso",
        "No AWS accounts are available to you.",
        "portal.no_assignments",
        "AWS CLI v2 accounts",
    ),
    (
        "no roles available for the account",
        "No roles are available for the account 111122223333",
        "portal.no_assignments",
        "AWS CLI v2 roles",
    ),
    (
        "login config missing start URL and region (CLI)",
        "aws: [ERROR]: An error occurred (Configuration): Missing the following required SSO "
        "configuration values: sso_start_url, sso_region. To make sure this profile is "
        "properly configured to use SSO, please run: aws configure sso",
        "config.sso_incomplete",
        "AWS CLI v2",
    ),
    (
        "credential provider missing the role name (botocore SSOProvider)",
        lambda: _sso_provider_error(
            {"profiles": {"dev": {"sso_account_id": "111122223333", **SESSION}}}
        ),
        "config.sso_incomplete",
        "botocore/credentials.py SSOProvider._load_sso_config",
    ),
    (
        "token provider session lacks the start URL (botocore SSOTokenProvider)",
        lambda: _token_provider_error(
            {
                "profiles": {"dev": {"sso_session": "s"}},
                "sso_sessions": {"s": {"sso_region": "us-east-1"}},
            }
        ),
        "config.sso_incomplete",
        "botocore/tokens.py SSOTokenProvider._load_sso_config",
    ),
    (
        "profile names an sso-session that does not exist (botocore SSOProvider)",
        lambda: _sso_provider_error(
            {"profiles": {"dev": {"sso_session": "nope", "sso_role_name": "R"}}}
        ),
        "config.session_missing",
        "botocore/credentials.py SSOProvider._resolve_sso_session_reference",
    ),
    (
        "token provider cannot find the sso-session (botocore SSOTokenProvider)",
        lambda: _token_provider_error({"profiles": {"dev": {"sso_session": "nope"}}}),
        "config.session_missing",
        "botocore/tokens.py SSOTokenProvider._load_sso_config",
    ),
    (
        "profile and sso-session disagree on the start URL (botocore SSOProvider)",
        lambda: _sso_provider_error(
            {
                "profiles": {
                    "dev": {
                        "sso_session": "s",
                        "sso_start_url": "https://other.awsapps.com/start",
                        "sso_role_name": "R",
                        "sso_account_id": "111122223333",
                    }
                },
                "sso_sessions": {"s": SESSION},
            }
        ),
        "config.inconsistent",
        "botocore/credentials.py SSOProvider._resolve_sso_session_reference",
    ),
    (
        "profile not found (botocore ProfileNotFound)",
        lambda: bx.ProfileNotFound(profile="tutorial"),
        "config.profile_missing",
        "botocore/exceptions.py ProfileNotFound",
    ),
    (
        "stale static keys in the environment are rejected by STS",
        lambda: _client_error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            "GetCallerIdentity",
        ),
        "env.static_keys",
        "notes B-13 (InvalidClientTokenId)",
    ),
    (
        "role credentials used after logout eventually expire",
        lambda: _client_error("ExpiredToken", "The provided token has expired.", "ListBuckets"),
        "credentials.cached_after_logout",
        "notes B-21",
    ),
    (
        "PKCE login message on a remote machine",
        "Attempting to open your default browser. If the browser does not open, open the "
        "following URL. If you are unable to open the URL on this device, run this command "
        "again with the '--use-device-code' option.",
        "login.pkce_callback",
        "AWS CLI v2 step 5",
    ),
    (
        "PKCE callback handler cannot start",
        "Unable to initialize the OAuth 2.0 authorization callback handler: [Errno 98] "
        "Address already in use \n You may use --use-device-code to fall back to the device "
        "code flow which does not require the callback handler.",
        "login.pkce_callback",
        "AWS CLI v2 step 1",
    ),
    (
        "device code expired before approval",
        "The pending authorization to retrieve an SSO token has expired. The login flow to "
        "retrieve an SSO token must be restarted.",
        "login.expired",
        "AWS CLI v2",
    ),
    (
        "S3 rejects a request signed with a skewed clock",
        lambda: _client_error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            "ListBuckets",
        ),
        "clock.skew",
        "notes B-19",
    ),
    (
        "CLI v1 has no sso login",
        "aws: error: argument operation: Invalid choice, valid choices are:\n\n"
        "get-role-credentials                     | list-account-roles",
        "env.aws_cli_v1",
        "local check: awscli 1.46.3 `aws sso login`",
    ),
    (
        "CLI v1 has no configure sso",
        "aws: error: argument subcommand: Invalid choice, valid choices are:",
        "env.aws_cli_v1",
        "local check: awscli 1.46.3 `aws configure sso`",
    ),
    (
        "botocore too old to know sso-oidc (botocore UnknownServiceError)",
        lambda: bx.UnknownServiceError(service_name="sso-oidc", known_service_names="s3, sts"),
        "env.botocore_old",
        "botocore/exceptions.py UnknownServiceError",
    ),
    (
        "no credentials at all (botocore NoCredentialsError)",
        lambda: bx.NoCredentialsError(),
        "credentials.none",
        "botocore/exceptions.py NoCredentialsError",
    ),
    (
        "token cache owned by another user",
        lambda: PermissionError(
            13, "Permission denied", "/home/learner/.aws/sso/cache/0ad37430.json"
        ),
        "token.unreadable",
        "notes B-25",
    ),
    (
        "ListBuckets denied by the permission set",
        lambda: _client_error("AccessDenied", "Access Denied", "ListBuckets"),
        "s3.access_denied",
        "notes 'Tutorial-specific extra (S3 step)'",
    ),
    (
        "sso-session not found when logging in (CLI)",
        "aws: [ERROR]: An error occurred (Configuration): The specified sso-session does not "
        'exist: "my-sso"',
        "config.session_missing",
        "AWS CLI v2",
    ),
    (
        "aws sso logout logs out everything",
        "I ran aws sso logout and now every profile asks me to log in",
        "logout.global",
        "notes B-22 (logout prints nothing; this is the learner's description)",
    ),
    (
        "sso-kit logout note about role credentials",
        "role credentials already issued stay valid until they expire",
        "credentials.cached_after_logout",
        "docs/architecture.md LogoutResult.note",
    ),
    (
        "TLS interception breaks certificate validation (botocore SSLError)",
        lambda: bx.SSLError(
            endpoint_url="https://oidc.us-east-1.amazonaws.com/client/register",
            error="[Errno 2] No such file or directory",
        ),
        "net.tls",
        "botocore/exceptions.py SSLError; notes B-18",
    ),
    (
        "endpoint unreachable (botocore EndpointConnectionError)",
        lambda: bx.EndpointConnectionError(
            endpoint_url="https://portal.sso.us-east-1.amazonaws.com/"
        ),
        "net.unreachable",
        "botocore/exceptions.py EndpointConnectionError",
    ),
    (
        "proxy does not answer (botocore ProxyConnectionError)",
        lambda: bx.ProxyConnectionError(proxy_url="http://proxy:3128", error="refused"),
        "net.proxy",
        "botocore/exceptions.py ProxyConnectionError",
    ),
    (
        "invalid region name (botocore InvalidRegionError)",
        lambda: bx.InvalidRegionError(region_name="us east 1"),
        "config.sso_region_invalid",
        "botocore/exceptions.py InvalidRegionError",
    ),
]


@pytest.mark.parametrize(
    ("message", "expected", "source"),
    [pytest.param(m, e, s, id=sid) for sid, m, e, s in CASES],
)
def test_explain_recognises_the_real_message(message, expected, source):
    value = message() if callable(message) else message
    result = explain(value)
    assert result.id == expected, f"{source}: {value!s}"
    assert result.cause and result.fix
    # pasting the text gives the same answer as passing the exception
    assert explain(str(value) if not isinstance(value, str) else value).id in {expected}


def test_every_rule_is_covered_by_a_case():
    covered = {expected for _, _, expected, _ in CASES}
    assert {r.id for r in RULES} <= covered


def test_exception_chain_is_followed():
    try:
        try:
            raise bx.UnauthorizedSSOTokenError()
        except bx.SSOError as inner:
            raise RuntimeError("listing buckets failed") from inner
    except RuntimeError as outer:
        assert explain(outer).id == "session.expired"


def test_unknown_text_points_to_doctor():
    result = explain("the printer is on fire")
    assert result == UNKNOWN
    assert "sso-kit doctor" in result.fix


def test_names_from_the_message_are_kept_but_secrets_are_not():
    result = explain('The specified sso-session does not exist: "my-sso"')
    assert "my-sso" in result.cause
    leaky = explain("Error loading SSO Token: Token for accessToken=abc123SECRET does not exist")
    assert "abc123SECRET" not in str(leaky)


def test_wrong_argument_type_says_what_to_pass():
    with pytest.raises(TypeError, match="pass str"):
        explain(42)  # type: ignore[arg-type]


def test_public_api_and_doctor_reexport_the_same_function():
    assert public_explain is explain is doctor_explain
    assert isinstance(explain("No access"), Explanation)
