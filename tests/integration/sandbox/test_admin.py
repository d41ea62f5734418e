"""The sandbox's administrator: real boto3 admin calls with ``Sandbox.admin_credentials()``.

Steps 01 and 03 of the tutorial are these calls. moto's authentication stays on, so each call
is signed with the ``sandbox-admin`` IAM key and checked against AdministratorAccess.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import boto3
import pytest
from _sandbox_flows import NO_RETRY, Browser, client, role_s3, start_flow
from botocore.exceptions import ClientError

from sso_kit.errors import SandboxError
from sso_kit.sandbox import Sandbox

pytestmark = pytest.mark.integration

ACCOUNT = "111122223333"
LIST_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": "*",
        }
    ],
}


def admin(sb: Sandbox, service: str) -> Any:
    """A boto3 client signed with the sandbox administrator's key."""
    key_id, secret = sb.admin_credentials()
    return boto3.session.Session(
        aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1"
    ).client(service, endpoint_url=sb.url, config=NO_RETRY)


def make_user_with_permission_set(sb: Sandbox) -> tuple[str, str]:
    """The admin's step 01 with boto3: a user, a list-only permission set, an assignment."""
    sso_admin = admin(sb, "sso-admin")
    instance = sso_admin.list_instances()["Instances"][0]
    user, ps_name = f"dev-{secrets.token_hex(4)}", f"S3List{secrets.token_hex(3)}"
    user_id = admin(sb, "identitystore").create_user(
        IdentityStoreId=instance["IdentityStoreId"],
        UserName=user,
        DisplayName="Dev User",
        Name={"GivenName": "Dev", "FamilyName": "User"},
    )["UserId"]
    ps_arn = sso_admin.create_permission_set(
        InstanceArn=instance["InstanceArn"], Name=ps_name, SessionDuration="PT1H"
    )["PermissionSet"]["PermissionSetArn"]
    sso_admin.put_inline_policy_to_permission_set(
        InstanceArn=instance["InstanceArn"],
        PermissionSetArn=ps_arn,
        InlinePolicy=json.dumps(LIST_ONLY),
    )
    status = sso_admin.create_account_assignment(
        InstanceArn=instance["InstanceArn"],
        TargetId=ACCOUNT,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=ps_arn,
        PrincipalType="USER",
        PrincipalId=user_id,
    )["AccountAssignmentCreationStatus"]
    assert status["Status"] == "SUCCEEDED"
    rows = sso_admin.list_account_assignments_for_principal(
        InstanceArn=instance["InstanceArn"], PrincipalId=user_id, PrincipalType="USER"
    )["AccountAssignments"]
    assert [(r["AccountId"], r["PermissionSetArn"]) for r in rows] == [(ACCOUNT, ps_arn)]
    return user, ps_name


def test_admin_credentials_do_the_tutorial_admin_calls(sandbox):
    store = admin(sandbox, "identitystore")
    instance = admin(sandbox, "sso-admin").list_instances()["Instances"][0]
    assert instance["OwnerAccountId"] == ACCOUNT
    before = {
        u["UserName"]
        for u in store.list_users(IdentityStoreId=instance["IdentityStoreId"])["Users"]
    }
    assert "learner" in before
    user, _ = make_user_with_permission_set(sandbox)
    after = {
        u["UserName"]
        for u in store.list_users(IdentityStoreId=instance["IdentityStoreId"])["Users"]
    }
    assert after == before | {user}

    s3 = admin(sandbox, "s3")
    bucket = f"sso-kit-admin-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "created-by", "Value": "sso-kit"}]}
    )
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "created-by", "Value": "sso-kit"}
    ]
    s3.delete_bucket(Bucket=bucket)


def test_a_wrong_admin_secret_is_rejected(sandbox):
    key_id, _ = sandbox.admin_credentials()
    forged = client(sandbox, "s3", aws_access_key_id=key_id, aws_secret_access_key="x" * 40)
    with pytest.raises(ClientError) as err:
        forged.list_buckets()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_invited_user_signs_in_and_gets_exactly_the_new_permission_set(sandbox):
    user, ps_name = make_user_with_permission_set(sandbox)
    flow = start_flow(sandbox)
    with pytest.raises(SandboxError):  # created with boto3: no password until invited
        sandbox.approve(flow.authorization["userCode"], user, "not-the-password")
    password = sandbox.invite(user)
    assert len(password) >= 12 and sandbox.users[user].password == password
    assert password not in repr(sandbox.users[user])
    Browser(sandbox).approve(flow.authorization["userCode"], user, password)
    token = flow.poll()["accessToken"]

    sso = client(sandbox, "sso")
    accounts = sso.list_accounts(accessToken=token)["accountList"]
    assert [a["accountId"] for a in accounts] == [ACCOUNT]
    roles = sso.list_account_roles(accessToken=token, accountId=ACCOUNT)["roleList"]
    assert [r["roleName"] for r in roles] == [ps_name]

    s3 = role_s3(sandbox, token, ps_name)
    assert isinstance(s3.list_buckets()["Buckets"], list)
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket=f"nope-{secrets.token_hex(4)}")
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_invite_with_a_chosen_password_and_approve_by_name(sandbox):
    user, ps_name = make_user_with_permission_set(sandbox)
    assert sandbox.invite(user, password="correct-horse-42") == "correct-horse-42"
    flow = start_flow(sandbox)
    sandbox.approve(flow.authorization["userCode"], user)  # the handle knows the password now
    token = flow.poll()["accessToken"]
    roles = client(sandbox, "sso").list_account_roles(accessToken=token, accountId=ACCOUNT)
    assert [r["roleName"] for r in roles["roleList"]] == [ps_name]


def test_invite_refuses_unknown_users_and_short_passwords(sandbox):
    with pytest.raises(SandboxError, match=r"no user 'ghost'.*create it first"):
        sandbox.invite("ghost")
    with pytest.raises(SandboxError, match="at least 8 characters"):
        sandbox.invite("learner", password="short")
    flow = start_flow(sandbox)  # the learner's password was not touched
    sandbox.approve(flow.authorization["userCode"])
    assert flow.poll()["accessToken"]


def test_remote_handle_and_data_dir_keep_the_admin_key(tmp_path):
    state_file = tmp_path / "state" / "sandbox.json"
    data_dir = tmp_path / "data"
    first = Sandbox.spawn(state_file=state_file, data_dir=data_dir)
    try:
        key = first.admin_credentials()
        user, ps_name = make_user_with_permission_set(first)
        password = first.invite(user)
        admin(first, "s3").create_bucket(Bucket="kept-by-the-admin")
    finally:
        first.terminate()
    log = state_file.with_suffix(".log").read_text("utf-8")
    assert "Sandbox.admin_credentials()" in log and key[1] not in log

    second = Sandbox.spawn(state_file=state_file, data_dir=data_dir)
    try:
        assert second.admin_credentials() == key
        names = [b["Name"] for b in admin(second, "s3").list_buckets()["Buckets"]]
        assert "kept-by-the-admin" in names
        flow = start_flow(second)
        second.approve(flow.authorization["userCode"], user, password)
        token = flow.poll()["accessToken"]
        roles = client(second, "sso").list_account_roles(accessToken=token, accountId=ACCOUNT)
        assert [r["roleName"] for r in roles["roleList"]] == [ps_name]
    finally:
        second.terminate()


def test_a_changed_inline_policy_applies_to_the_next_role_credentials(sandbox):
    """The role follows its permission set: unchanged it is left alone, changed it is synced."""
    user, ps_name = make_user_with_permission_set(sandbox)
    password = sandbox.invite(user)
    bucket = f"synced-{secrets.token_hex(4)}"

    def fresh_s3() -> Any:
        flow = start_flow(sandbox)
        sandbox.approve(flow.authorization["userCode"], user, password)
        return role_s3(sandbox, flow.poll()["accessToken"], ps_name)

    with pytest.raises(ClientError) as err:
        fresh_s3().create_bucket(Bucket=bucket)
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):  # the same policy again: still denied
        fresh_s3().create_bucket(Bucket=bucket)
    sso_admin = admin(sandbox, "sso-admin")
    instance = sso_admin.list_instances()["Instances"][0]
    ps_arn = next(
        arn
        for arn in sso_admin.list_permission_sets(InstanceArn=instance["InstanceArn"])[
            "PermissionSets"
        ]
        if sso_admin.describe_permission_set(
            InstanceArn=instance["InstanceArn"], PermissionSetArn=arn
        )["PermissionSet"]["Name"]
        == ps_name
    )
    writer = {**LIST_ONLY, "Statement": [*LIST_ONLY["Statement"], {
        "Effect": "Allow", "Action": ["s3:CreateBucket"], "Resource": "*"}]}  # fmt: skip
    sso_admin.put_inline_policy_to_permission_set(
        InstanceArn=instance["InstanceArn"],
        PermissionSetArn=ps_arn,
        InlinePolicy=json.dumps(writer),
    )
    fresh_s3().create_bucket(Bucket=bucket)
    assert bucket in {b["Name"] for b in fresh_s3().list_buckets()["Buckets"]}
