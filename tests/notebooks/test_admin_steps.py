"""Steps 01 and 03: the administrator's real boto3 calls against a real sandbox.

The helpers behind the notebooks sign identitystore / sso-admin / S3 calls with the sandbox's
``sandbox-admin`` key (``Sandbox.admin_credentials()``), found through ``SSO_KIT_SANDBOX_URL``
like the notebooks find it. The new user then signs in through the device flow.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from sso_kit.errors import SandboxError, ValidationError
from sso_kit import course as steps
from sso_kit.course.admin import _kit_buckets

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sandbox():
    from sso_kit.sandbox import Sandbox

    with Sandbox(host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture
def kit(sandbox, monkeypatch):
    monkeypatch.setenv("SSO_KIT_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("SSO_KIT_SANDBOX_ADMIN_KEY", sandbox.admin_key)
    return steps.setup(interactive=False)


def test_step_01_creates_user_permission_set_and_assignment_once(kit, sandbox):
    first = steps.set_up_identity_center(kit, "dev-one", "S3ListOne")
    assert first.created == [
        "user dev-one",
        "permission set S3ListOne",
        "assignment dev-one → S3ListOne in 111122223333",
    ]
    assert first.password and first.password not in repr(first)
    again = steps.set_up_identity_center(kit, "dev-one", "S3ListOne")
    assert again.created == [] and again.user_id == first.user_id
    assert again.password == first.password  # a re-run does not change the invitation
    assert [a for a in sandbox.app.directory.assignments("dev-one")] == [
        ("111122223333", "S3ListOne")
    ]

    ok, detail = steps.identity_center_ready(kit, "dev-one", "S3ListOne")
    assert ok, detail
    overview = steps.identity_center_overview(kit)
    assert "  - dev-one: S3ListOne in 111122223333" in overview
    assert "  - learner: PowerUserAccess in 111122223333, S3ReadOnly in 111122223333" in overview


def test_step_01_headless_output_hides_the_password_interactive_shows_it(kit, sandbox):
    headless = steps.administer_identity_center(kit, "dev-two", "S3ListTwo")
    password = sandbox.users["dev-two"].password
    assert password not in headless and "not shown in headless runs" in headless
    kit.interactive = True
    shown = steps.administer_identity_center(kit, "dev-two", "S3ListTwo")
    assert f"password {password}" in shown and "Created: nothing" in shown


def test_self_check_fails_until_the_admin_did_the_work(kit):
    ok, detail = steps.identity_center_ready(kit, "dev-three", "S3ListThree")
    assert not ok and "no permission set S3ListThree" in detail
    sso_admin = steps.admin_client(kit, "sso-admin")
    arn = sso_admin.list_instances()["Instances"][0]["InstanceArn"]
    ps = sso_admin.create_permission_set(InstanceArn=arn, Name="S3ListThree")
    ps_arn = ps["PermissionSet"]["PermissionSetArn"]
    sso_admin.put_inline_policy_to_permission_set(
        InstanceArn=arn,
        PermissionSetArn=ps_arn,
        InlinePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
    )
    ok, detail = steps.identity_center_ready(kit, "dev-three", "S3ListThree")
    assert not ok and "not just listing" in detail
    steps.set_up_identity_center(kit, "dev-three", "S3ListThree")  # fixes the policy too
    ok, detail = steps.identity_center_ready(kit, "dev-three", "S3ListThree")
    assert ok, detail


def test_bad_names_are_refused_before_any_call(kit, sandbox):
    before = steps.identity_center_overview(kit)
    with pytest.raises(ValidationError, match="not a valid permission set name"):
        steps.set_up_identity_center(kit, "dev-four", "no spaces allowed")
    with pytest.raises(ValidationError, match="not a valid user name"):
        steps.set_up_identity_center(kit, "", "S3ListOnly")
    assert steps.identity_center_overview(kit) == before


def test_the_new_user_signs_in_and_may_only_list(kit, sandbox):
    done = steps.set_up_identity_center(kit, "dev-five", "S3ListFive")
    steps.create_admin_buckets(kit, 1)
    sso_oidc = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=sandbox.url)
    reg = sso_oidc.register_client(clientName="t", clientType="public")
    auth = sso_oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=sandbox.start_url
    )
    sandbox.approve(auth["userCode"], done.user, done.password)
    token = sso_oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code",
        deviceCode=auth["deviceCode"],
    )["accessToken"]
    sso = boto3.client("sso", region_name="us-east-1", endpoint_url=sandbox.url)
    roles = sso.list_account_roles(accessToken=token, accountId="111122223333")["roleList"]
    assert [r["roleName"] for r in roles] == ["S3ListFive"]
    creds = sso.get_role_credentials(
        accessToken=token, accountId="111122223333", roleName="S3ListFive"
    )["roleCredentials"]
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=sandbox.url,
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
    )
    assert any(b["Name"].startswith("sso-kit-tutorial-") for b in s3.list_buckets()["Buckets"])
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket="dev-five-may-not")
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_step_03_admin_creates_tagged_buckets_once(kit):
    for name in _kit_buckets(steps.admin_client(kit, "s3")):  # start from none
        steps.admin_client(kit, "s3").delete_bucket(Bucket=name)
    ok, detail = steps.tutorial_buckets_exist(kit)
    assert not ok and "0 tutorial bucket(s)" in detail
    first = steps.create_admin_buckets(kit, 2)
    assert len(first) == 2 and all(n.startswith("sso-kit-tutorial-") for n in first)
    assert sorted(steps.create_admin_buckets(kit, 2)) == sorted(first)  # re-run adds none
    ok, detail = steps.tutorial_buckets_exist(kit)
    assert ok and "2 tutorial bucket(s)" in detail
    s3 = steps.admin_client(kit, "s3")
    assert {"Key": "created-by", "Value": "sso-kit"} in s3.get_bucket_tagging(Bucket=first[0])[
        "TagSet"
    ]
    s3.create_bucket(Bucket="untagged-not-the-tutorials")  # ignored by the helpers
    assert sorted(_kit_buckets(s3)) == sorted(first)
    for name in [*first, "untagged-not-the-tutorials"]:
        s3.delete_bucket(Bucket=name)


def test_real_aws_gets_console_instructions_and_no_admin_calls(kit):
    kit.use_sandbox = False
    assert "IAM Identity Center console" in steps.administer_identity_center(kit)
    assert "console" in steps.identity_center_overview(kit)
    assert steps.identity_center_ready(kit)[0]
    assert "S3 console" in steps.create_admin_buckets(kit)[0]
    assert steps.admin_credentials(kit) is None
    with pytest.raises(SandboxError, match="only against the sandbox"):
        steps.admin_client(kit, "s3")
