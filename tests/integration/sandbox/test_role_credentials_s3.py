"""Role credentials are real moto STS credentials: S3 enforces signatures and policies."""

from __future__ import annotations

import secrets

import pytest
from _sandbox_flows import client, login, role_s3
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration


@pytest.fixture
def token(sandbox) -> str:
    return login(sandbox)


def test_power_user_creates_and_lists_buckets(sandbox, token):
    s3 = role_s3(sandbox, token, "PowerUserAccess")
    name = f"power-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=name)
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_read_only_lists_but_cannot_create(sandbox, token):
    name = f"seen-{secrets.token_hex(4)}"
    role_s3(sandbox, token, "PowerUserAccess").create_bucket(Bucket=name)
    s3 = role_s3(sandbox, token, "S3ReadOnly")
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket=f"nope-{secrets.token_hex(4)}")
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_forged_secret_gets_signature_does_not_match(sandbox, token):
    creds = client(sandbox, "sso").get_role_credentials(
        accessToken=token, accountId="111122223333", roleName="PowerUserAccess"
    )["roleCredentials"]
    forged = client(
        sandbox,
        "s3",
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key="x" * 40,
        aws_session_token=creds["sessionToken"],
    )
    with pytest.raises(ClientError) as err:
        forged.list_buckets()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_other_account_sees_only_its_own_buckets(sandbox, token):
    mine = f"mgmt-{secrets.token_hex(4)}"
    role_s3(sandbox, token, "PowerUserAccess").create_bucket(Bucket=mine)
    sandbox.add_assignment("learner", "444455556666", "PowerUserAccess")
    try:
        member = role_s3(sandbox, token, "PowerUserAccess", account="444455556666")
        theirs = f"member-{secrets.token_hex(4)}"
        member.create_bucket(Bucket=theirs)
        names = [b["Name"] for b in member.list_buckets()["Buckets"]]
        assert theirs in names and mine not in names
        sts = client(
            sandbox,
            "sts",
            aws_access_key_id=member._request_signer._credentials.access_key,
            aws_secret_access_key=member._request_signer._credentials.secret_key,
            aws_session_token=member._request_signer._credentials.token,
        )
        assert sts.get_caller_identity()["Account"] == "444455556666"
    finally:
        sandbox.remove_assignment("learner", "444455556666", "PowerUserAccess")


def test_unassigned_role_is_no_access(sandbox, token):
    sso = client(sandbox, "sso")
    with pytest.raises(ClientError) as err:
        sso.get_role_credentials(accessToken=token, accountId="444455556666", roleName="S3ReadOnly")
    assert err.value.response["Error"]["Code"] == "ForbiddenException"
    assert err.value.response["Error"]["Message"] == "No access"


def test_removed_assignment_becomes_no_access(sandbox, token):
    sso = client(sandbox, "sso")
    assert sandbox.remove_assignment("learner", "111122223333", "S3ReadOnly")
    try:
        with pytest.raises(ClientError) as err:
            sso.get_role_credentials(
                accessToken=token, accountId="111122223333", roleName="S3ReadOnly"
            )
        assert err.value.response["Error"]["Code"] == "ForbiddenException"
        roles = sso.list_account_roles(accessToken=token, accountId="111122223333")["roleList"]
        assert [r["roleName"] for r in roles] == ["PowerUserAccess"]
    finally:
        sandbox.add_assignment("learner", "111122223333", "S3ReadOnly")


def test_role_credentials_expiration_is_milliseconds(sandbox, token):
    import time

    creds = client(sandbox, "sso").get_role_credentials(
        accessToken=token, accountId="111122223333", roleName="S3ReadOnly"
    )["roleCredentials"]
    assert creds["expiration"] > time.time() * 1000 + 50 * 60 * 1000


def test_list_account_roles_paginates_without_trailing_token(sandbox, token):
    sso = client(sandbox, "sso")
    first = sso.list_account_roles(accessToken=token, accountId="111122223333", maxResults=1)
    assert len(first["roleList"]) == 1 and first["nextToken"]
    second = sso.list_account_roles(
        accessToken=token, accountId="111122223333", maxResults=1, nextToken=first["nextToken"]
    )
    assert len(second["roleList"]) == 1 and "nextToken" not in second
    assert first["roleList"] != second["roleList"]
