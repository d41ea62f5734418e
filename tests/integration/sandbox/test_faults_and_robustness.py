"""Fault switches with real error shapes, malformed input, concurrency and routing."""

from __future__ import annotations

import email.utils
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from _sandbox_flows import client, login, role_s3, start_flow
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

pytestmark = pytest.mark.integration


def test_server_error_fault_on_get_role_credentials(sandbox):
    token = login(sandbox)
    sandbox.set_fault("GetRoleCredentials", "server_error", count=1)
    sso = client(sandbox, "sso")
    with pytest.raises(ClientError) as err:
        sso.get_role_credentials(accessToken=token, accountId="111122223333", roleName="S3ReadOnly")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    # count=1: the next call works again
    sso.get_role_credentials(accessToken=token, accountId="111122223333", roleName="S3ReadOnly")


def test_drop_fault_closes_the_connection(sandbox):
    sandbox.set_fault("RegisterClient", "drop", count=1)
    oidc = client(sandbox, "sso-oidc")
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        oidc.register_client(clientName="x", clientType="public")
    assert oidc.register_client(clientName="x", clientType="public")["clientId"]


def test_s3_server_error_fault(sandbox):
    s3 = role_s3(sandbox, login(sandbox), "S3ReadOnly")
    sandbox.set_fault("s3", "server_error", count=1)
    with pytest.raises(ClientError) as err:
        s3.list_buckets()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    s3.list_buckets()


def test_slow_down_and_deny_faults(sandbox):
    flow = start_flow(sandbox)
    sandbox.set_fault("CreateToken", "slow_down", count=1)
    with pytest.raises(flow.oidc.exceptions.SlowDownException):
        flow.poll()
    sandbox.set_fault("CreateToken", "deny", count=1)
    with pytest.raises(flow.oidc.exceptions.AccessDeniedException):
        flow.poll()


def test_delay_fault_keeps_an_approved_code_pending(sandbox):
    flow = start_flow(sandbox)
    sandbox.approve(flow.authorization["userCode"])
    sandbox.set_fault("CreateToken", "delay", count=1)
    with pytest.raises(flow.oidc.exceptions.AuthorizationPendingException):
        flow.poll()
    assert flow.poll()["accessToken"]


def test_skewed_clock_shows_in_date_header(sandbox):
    sandbox.skew_clock(-7200)
    response = requests.get(f"{sandbox.url}/_sandbox/health", timeout=10)
    served = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
    assert served < time.time() - 3000


def test_shortened_access_token_lifetime(sandbox):
    sandbox.set_lifetimes(access_token=120)
    flow = start_flow(sandbox)
    sandbox.approve(flow.authorization["userCode"])
    assert flow.poll()["expiresIn"] <= 120


def test_unknown_fault_kind_is_a_clear_error(sandbox):
    from sso_kit.errors import SandboxError

    with pytest.raises(SandboxError, match="kind must be one of"):
        sandbox.set_fault("CreateToken", "explode")


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{not json", 400), (b"[1, 2]", 400), (b"{" + b" " * 70_000 + b"}", 413)],
    ids=["malformed JSON", "not an object", "oversized body"],
)
def test_malformed_requests_get_4xx_and_server_keeps_running(sandbox, body, status):
    response = requests.post(
        f"{sandbox.url}/client/register",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == status
    assert response.headers["x-amzn-ErrorType"].startswith("InvalidRequestException")
    assert client(sandbox, "sso-oidc").register_client(clientName="x", clientType="public")


def test_s3_bucket_named_token_goes_to_s3_not_oidc(sandbox):
    s3 = role_s3(sandbox, login(sandbox), "PowerUserAccess")
    name = "token"
    try:
        s3.create_bucket(Bucket=name)
    except ClientError as err:  # another test run in this process may have made it
        assert err.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    s3.put_object(Bucket=name, Key="k", Body=b"v")
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"v"


def test_moto_admin_api_is_not_exposed(sandbox):
    assert requests.post(f"{sandbox.url}/moto-api/reset", timeout=10).status_code == 403


def test_unsigned_s3_call_is_refused(sandbox):
    response = requests.get(f"{sandbox.url}/some-bucket", timeout=10)
    assert response.status_code in (403, 404)


def test_twenty_parallel_device_flows_stay_isolated(sandbox):
    def one(_: int) -> tuple[str, str]:
        token = login(sandbox)
        s3 = role_s3(sandbox, token, "PowerUserAccess")
        name = f"par-{secrets.token_hex(6)}"
        s3.create_bucket(Bucket=name)
        return token, name

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    tokens = {token for token, _ in results}
    assert len(tokens) == 20
    names = {
        b["Name"] for b in role_s3(sandbox, login(sandbox), "S3ReadOnly").list_buckets()["Buckets"]
    }
    assert {name for _, name in results} <= names


def test_secrets_do_not_leak_into_reprs(sandbox):
    from sso_kit.sandbox.oidc.models import OidcBackend

    backend = OidcBackend()
    client_ = backend.register_client("x", "public")
    assert client_.client_secret not in repr(client_)
    assert sandbox.default_user.password not in repr(sandbox.default_user)
    assert sandbox.default_user.password not in repr(sandbox)
