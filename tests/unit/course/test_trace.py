"""What-just-happened transcripts: operation names only, secrets masked."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import boto3
from botocore.stub import Stubber
from test_checks import write_token

from sso_kit import cache
from sso_kit.course import trace


def test_recorded_calls_names_each_operation_and_folds_repeats():
    s3 = boto3.session.Session(
        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("s3")
    with Stubber(s3) as stub:
        for _ in range(2):
            stub.add_response("list_buckets", {"Buckets": []})
        with trace.recorded_calls() as calls:
            s3.list_buckets()
            s3.list_buckets()
    assert calls == ["s3.ListBuckets", "s3.ListBuckets"]
    assert trace.describe_calls(calls) == "  s3.ListBuckets ×2"
    assert "no AWS call" in trace.describe_calls([])


def test_device_flow_retells_the_login_with_secrets_masked(isolated_aws_home):
    write_token()
    pending = SimpleNamespace(
        user_code="WXYZ-ABCD",
        verification_uri="http://127.0.0.1:1/device",
        interval=5,
        expires_at=cache.utc_now() + timedelta(minutes=10),
    )
    panel = SimpleNamespace(pending=pending, polls=4, result=object())
    text = trace.device_flow(panel, sso_session="sso-kit")
    assert "WXYZ-ABCD" in text and "5 s between polls" in text
    assert "3 time(s) -> AuthorizationPendingException" in text
    assert "accessToken" in text and "secret-access-token-value" not in text
    assert "deviceCode      ***" in text
    empty = SimpleNamespace(pending=None, polls=0, result=None)
    assert "click Log in" in trace.device_flow(empty, sso_session="sso-kit")
