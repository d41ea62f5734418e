"""moto's S3 views called directly answer as moto's Flask app does, call for call.

The same S3 calls, signed with real role credentials, go once through the sandbox as it runs
(``DirectApp``) and once with the dispatcher handed Flask's app instead, each on a bucket of
its own; statuses, headers and bodies must match once the bucket name and the per-call
request ids and dates are set aside. Errors (a denied call, a missing key, a missing tag set),
S3 metadata headers and CORS headers are part of it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from _sandbox_flows import login, role_s3
from botocore.exceptions import ClientError

from sso_kit.sandbox.moto_direct import DirectApp

VOLATILE = {"date", "x-amz-request-id", "x-amz-id-2", "x-amzn-requestid", "last-modified"}


def _answers(sb: Any, bucket: str, token: str) -> list[tuple[int, dict[str, str], bytes]]:
    """Raw (status, headers, body) of a fixed series of S3 calls on ``bucket``."""
    seen: list[tuple[int, dict[str, str], bytes]] = []
    power = role_s3(sb, token, "PowerUserAccess")
    reader = role_s3(sb, token, "S3ReadOnly")

    def record(http_response: Any, model: Any, **_: Any) -> None:
        # a streamed body is read by the caller below, so leave it to them
        body = b"(streamed)" if model.has_streaming_output else http_response.content
        seen.append((http_response.status_code, dict(http_response.headers), body))

    for client in (power, reader):
        client.meta.events.register("after-call", record)
    power.create_bucket(Bucket=bucket)
    power.put_object(Bucket=bucket, Key="notes/a.txt", Body=b"hello", Metadata={"my_key": "v"})
    reader.list_buckets()
    reader.list_objects_v2(Bucket=bucket, Prefix="notes/")
    body = reader.get_object(Bucket=bucket, Key="notes/a.txt")["Body"].read()
    seen.append((200, {}, body))
    reader.head_object(Bucket=bucket, Key="notes/a.txt")
    for call in (
        lambda: reader.put_object(Bucket=bucket, Key="denied.txt", Body=b"x"),  # AccessDenied
        lambda: reader.get_object(Bucket=bucket, Key="missing.txt"),  # NoSuchKey
        lambda: power.get_bucket_tagging(Bucket=bucket),  # NoSuchTagSet
    ):
        with pytest.raises(ClientError):
            call()
    power.delete_object(Bucket=bucket, Key="notes/a.txt")
    power.delete_bucket(Bucket=bucket)
    return [
        (status, _plain(headers, bucket), _body(body, bucket)) for status, headers, body in seen
    ]


def _body(body: bytes, bucket: str) -> bytes:
    """The body with the bucket's name, times and request ids set aside."""
    body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", b"TIME", body)
    body = re.sub(rb"<RequestId>[^<]*</RequestId>", b"<RequestId/>", body)
    return re.sub(rb"<HostId>[^<]*</HostId>", b"<HostId/>", body).replace(bucket.encode(), b"B")


def _plain(headers: dict[str, str], bucket: str) -> dict[str, str]:
    return {
        k.lower(): re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "ID", v.replace(bucket, "B"))
        for k, v in headers.items()
        if k.lower() not in VOLATILE
    }


def test_s3_calls_answer_the_same_with_and_without_flask(sandbox):
    dispatcher = sandbox.app.moto_app
    token = login(sandbox)
    direct = _answers(sandbox, "direct-path-bucket", token)
    apps = dict(dispatcher.direct)
    assert any(isinstance(app, DirectApp) for app in apps.values()), "S3 went through Flask"
    dispatcher.direct = {key: getattr(app, "app", app) for key, app in apps.items()}
    try:
        flask = _answers(sandbox, "flasks-path-bucket", token)
    finally:
        dispatcher.direct = apps
    assert len(direct) == len(flask) == 12
    assert direct == flask
