"""Device-code flow and every modeled CreateToken error, through unmodified boto3 clients."""

from __future__ import annotations

import time

import pytest
from _sandbox_flows import DEVICE_GRANT, Flow, client, start_flow

pytestmark = pytest.mark.integration


@pytest.fixture
def flow(sandbox) -> Flow:
    return start_flow(sandbox)


def test_full_device_flow_register_start_pending_approve_token_refresh(sandbox, flow):
    reg, auth = flow.registration, flow.authorization
    assert reg["clientSecretExpiresAt"] > time.time() + 80 * 24 * 3600  # ~90 days, seconds
    assert auth["expiresIn"] == 600 and auth["interval"] == 1
    assert auth["verificationUriComplete"].endswith(f"/device?user_code={auth['userCode']}")
    assert auth["verificationUri"].startswith(sandbox.public_url)
    with pytest.raises(flow.oidc.exceptions.AuthorizationPendingException) as err:
        flow.poll()
    assert err.value.response["error"] == "authorization_pending"
    assert "pending" in str(err.value)

    sandbox.approve(auth["userCode"])
    token = flow.poll()
    assert token["tokenType"] == "Bearer" and 3500 < token["expiresIn"] <= 3600
    assert token["refreshToken"] and token["accessToken"]

    refreshed = flow.oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    assert refreshed["accessToken"] != token["accessToken"]
    accounts = client(sandbox, "sso").list_accounts(accessToken=refreshed["accessToken"])
    assert [a["accountId"] for a in accounts["accountList"]] == ["111122223333"]
    # The refresh token rotates: the old one is now spent.
    with pytest.raises(flow.oidc.exceptions.InvalidGrantException):
        flow.oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )


def test_device_code_is_single_use(sandbox, flow):
    sandbox.approve(flow.authorization["userCode"])
    flow.poll()
    with pytest.raises(flow.oidc.exceptions.InvalidGrantException) as err:
        flow.poll()
    assert "already been used" in str(err.value)


def test_first_two_polls_are_allowed_then_slow_down(sandbox):
    sandbox.set_lifetimes(interval=60)
    flow = start_flow(sandbox)
    assert flow.authorization["interval"] == 60
    for _ in range(2):  # botocore's first two polls come back to back: not punished
        with pytest.raises(flow.oidc.exceptions.AuthorizationPendingException):
            flow.poll()
    with pytest.raises(flow.oidc.exceptions.SlowDownException) as err:
        flow.poll()
    assert err.value.response["error"] == "slow_down"


def test_expired_device_code_gives_expired_token(sandbox, flow):
    sandbox.skew_clock(601)
    with pytest.raises(flow.oidc.exceptions.ExpiredTokenException) as err:
        flow.poll()
    assert "expired" in str(err.value)


def test_deny_gives_access_denied(sandbox, flow):
    sandbox.deny(flow.authorization["userCode"])
    with pytest.raises(flow.oidc.exceptions.AccessDeniedException) as err:
        flow.poll()
    assert "denied" in str(err.value)


def test_wrong_client_secret_gives_invalid_client(sandbox, flow):
    args = flow.token_args() | {"clientSecret": "not-the-secret"}
    with pytest.raises(flow.oidc.exceptions.InvalidClientException) as err:
        flow.oidc.create_token(**args)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    assert "not-the-secret" not in str(err.value)


def test_unknown_device_code_gives_invalid_grant(sandbox, flow):
    with pytest.raises(flow.oidc.exceptions.InvalidGrantException) as err:
        flow.oidc.create_token(**(flow.token_args() | {"deviceCode": "nope"}))
    assert "Invalid device code" in str(err.value)


def test_bad_registration_gives_invalid_request(sandbox):
    oidc = client(sandbox, "sso-oidc")
    with pytest.raises(oidc.exceptions.InvalidRequestException) as err:
        oidc.register_client(clientName="x", clientType="confidential")
    assert "clientType" in str(err.value)


def test_unsupported_grant_type(sandbox, flow):
    with pytest.raises(flow.oidc.exceptions.UnsupportedGrantTypeException):
        flow.oidc.create_token(**(flow.token_args() | {"grantType": "password"}))


def test_logout_revokes_the_token(sandbox, flow):
    sandbox.approve(flow.authorization["userCode"])
    token = flow.poll()["accessToken"]
    sso = client(sandbox, "sso")
    sso.logout(accessToken=token)
    with pytest.raises(sso.exceptions.UnauthorizedException) as err:
        sso.list_accounts(accessToken=token)
    assert "Session token not found or invalid" in str(err.value)


@pytest.mark.parametrize("switch", ["expire_tokens", "revoke_tokens"])
def test_expire_and_revoke_switches_end_sessions(sandbox, switch):
    flow = start_flow(sandbox)
    sandbox.approve(flow.authorization["userCode"])
    token = flow.poll()
    assert getattr(sandbox, switch)("learner") >= 1
    sso = client(sandbox, "sso")
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=token["accessToken"])
    with pytest.raises(flow.oidc.exceptions.InvalidGrantException):
        flow.oidc.create_token(
            clientId=flow.registration["clientId"],
            clientSecret=flow.registration["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )


def test_auto_approve_completes_on_first_poll(auto_sandbox):
    flow = start_flow(auto_sandbox)
    token = flow.poll()
    roles = client(auto_sandbox, "sso").list_account_roles(
        accessToken=token["accessToken"], accountId="111122223333"
    )
    assert sorted(r["roleName"] for r in roles["roleList"]) == ["PowerUserAccess", "S3ReadOnly"]


def test_client_registered_without_scopes_gets_no_refresh_token(sandbox):
    """Like the real service: no sso_registration_scopes means the session cannot refresh."""
    oidc = client(sandbox, "sso-oidc")
    reg = oidc.register_client(clientName="botocore-client-legacy", clientType="public")
    auth = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=sandbox.start_url
    )
    sandbox.approve(auth["userCode"])
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=auth["deviceCode"],
    )
    assert token["accessToken"]
    assert "refreshToken" not in token


def test_a_start_url_of_another_organisation_is_refused(sandbox):
    """A typo in the start URL fails at the service, as it does on AWS, not later."""
    oidc = client(sandbox, "sso-oidc")
    reg = oidc.register_client(clientName="botocore-client-typo", clientType="public")
    typo = sandbox.start_url.replace("my-sso-portal", "my-sso-portl")
    with pytest.raises(oidc.exceptions.InvalidRequestException) as err:
        oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=typo
        )
    assert err.value.response["error"] == "invalid_request"
    assert "Invalid start url provided" in str(err.value)
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        oidc.register_client(
            clientName="botocore-client-typo",
            clientType="public",
            grantTypes=["authorization_code", "refresh_token"],
            redirectUris=["http://127.0.0.1/oauth/callback"],
            issuerUrl=typo,
        )
    # the organisation's own URL, with or without a trailing slash, is fine
    for url in (sandbox.start_url, sandbox.start_url + "/"):
        auth = oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=url
        )
        assert auth["userCode"]
