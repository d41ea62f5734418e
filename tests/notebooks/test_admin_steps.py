"""Steps 01 and 03's administrator path: real boto3 sso-admin / identitystore / S3 calls.

The sandbox does not hand out administrator keys yet, so this test makes an IAM admin user in
the sandbox's moto backend (the sandbox runs in this process) and offers its key the way
``Sandbox.admin_credentials()`` would. Without that method, the notebooks use the fallback
checked by the headless runs (directory from the health endpoint, buckets made in step 07).
"""

from __future__ import annotations

import pytest

from sso_kit.ui import steps

pytestmark = pytest.mark.integration


@pytest.fixture
def kit(monkeypatch):
    from moto.iam.models import iam_backends

    from sso_kit.sandbox import Sandbox

    with Sandbox(host="127.0.0.1", port=0, auto_approve=True) as sb:
        monkeypatch.setenv("SSO_KIT_SANDBOX_URL", sb.url)
        iam = iam_backends["111122223333"]["aws"]
        name = "tutorial-admin"
        if name not in iam.users:
            iam.create_user("us-east-1", name)
            iam.attach_user_policy("arn:aws:iam::aws:policy/AdministratorAccess", name)
        for old in iam.list_access_keys(name):  # at most two keys per IAM user
            iam.delete_access_key(old.access_key_id, name)
        key = iam.create_access_key(name)
        kit = steps.setup(interactive=False)
        kit.sandbox.admin_credentials = (key.access_key_id, key.secret_access_key)
        yield kit


def test_fallback_without_admin_credentials(monkeypatch):
    from sso_kit.sandbox import Sandbox

    with Sandbox(host="127.0.0.1", port=0) as sb:
        monkeypatch.setenv("SSO_KIT_SANDBOX_URL", sb.url)
        kit = steps.setup(interactive=False)
        assert steps.admin_credentials(kit) is None
        assert "learner" in steps.identity_center_overview(kit)
        assert steps.user_has_assignment(kit)[0]
        assert "step 07" in steps.create_admin_buckets(kit)[0]


def test_directory_is_read_with_boto3(kit):
    overview = steps.identity_center_overview(kit)
    assert "learner" in overview
    assert "PowerUserAccess" in overview and "S3ReadOnly" in overview
    assert "111122223333" in overview
    ok, detail = steps.user_has_assignment(kit)
    assert ok, detail
    ok, detail = steps.user_has_assignment(kit, user="nobody")
    assert not ok and "nobody" in detail


def test_admin_creates_tagged_buckets_once(kit):
    first = steps.create_admin_buckets(kit, 2)
    assert len(first) == 2 and all(n.startswith("sso-kit-tutorial-") for n in first)
    assert steps.create_admin_buckets(kit, 2) == first  # idempotent: re-running adds none
    ok, detail = steps.tutorial_buckets_exist(kit)
    assert ok and "2 tutorial bucket(s)" in detail
    s3 = steps.admin_client(kit, "s3")
    tags = s3.get_bucket_tagging(Bucket=first[0])["TagSet"]
    assert {"Key": "created-by", "Value": "sso-kit"} in tags
    for name in first:
        s3.delete_bucket(Bucket=name)
