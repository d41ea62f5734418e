"""The sandbox's activity record: attribution, error names, bounded memory."""

from __future__ import annotations

import pytest

from sso_kit.sandbox import activity
from sso_kit.sandbox.activity import ActivityLog, observe_oidc, observe_portal, s3_operation


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeToken:
    def __init__(self, user: str) -> None:
        self.user = user


class FakeOidc:
    def __init__(self) -> None:
        self.tokens = {"tok-1": FakeToken("learner01")}


def test_calls_before_login_become_the_users_when_their_client_logs_in():
    log, oidc = ActivityLog(Clock()), FakeOidc()
    observe_oidc(log, oidc, "RegisterClient", {}, {"clientId": "c1"}, None, 200)
    observe_oidc(log, oidc, "StartDeviceAuthorization", {"clientId": "c1"}, {}, None, 200)
    observe_oidc(log, oidc, "CreateToken", {"clientId": "c1"}, None, "AuthorizationPendingException", 400)
    assert log.snapshot() == {}
    observe_oidc(log, oidc, "CreateToken", {"clientId": "c1"}, {"accessToken": "tok-1"}, None, 200)
    entry = log.get("learner01")
    assert entry is not None
    assert entry.ok == {"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 1}
    assert entry.errors == {}  # pending polls are part of a login, not errors


def test_portal_calls_are_the_bearers_and_their_role_key_names_them_in_s3():
    log, oidc = ActivityLog(Clock()), FakeOidc()
    result = {"roleCredentials": {"accessKeyId": "ASIAKEY1"}}
    observe_portal(log, oidc, "GetRoleCredentials", "tok-1", result, None, 200)
    observe_portal(log, oidc, "GetRoleCredentials", "tok-1", None, "ForbiddenException", 403)
    observe_portal(log, oidc, "ListAccounts", "unknown", None, "UnauthorizedException", 401)
    assert log.user_for_key("ASIAKEY1") == "learner01"
    assert log.get("learner01").errors == {"ForbiddenException": 1}
    assert set(log.snapshot()) == {"learner01"}


def test_s3_errors_are_recorded_with_their_code():
    log = ActivityLog(Clock())
    log.bind_key("ASIAKEY1", "learner01")
    environ = {
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=ASIAKEY1/20260101/us-east-1/s3/aws4_request, X",
        "REQUEST_METHOD": "DELETE",
        "PATH_INFO": "/someone-elses",
        "QUERY_STRING": "",
    }

    def moto(environ, start_response):
        start_response("403 Forbidden", [])
        return [b"<Error><Code>AccessDenied</Code></Error>"]

    assert activity.observe_moto(log, environ, moto, lambda *a: None) == [
        b"<Error><Code>AccessDenied</Code></Error>"
    ]
    assert log.get("learner01").errors == {"AccessDenied": 1}
    assert [e.operation for e in log.get("learner01").events] == ["DeleteBucket"]


@pytest.mark.parametrize(
    ("method", "path", "query", "operation"),
    [
        ("GET", "/", "", "ListBuckets"),
        ("PUT", "/b", "", "CreateBucket"),
        ("DELETE", "/b", "", "DeleteBucket"),
        ("GET", "/b", "list-type=2", "ListObjects"),
        ("PUT", "/b", "tagging", "PutBucketTagging"),
        ("POST", "/b", "delete", "DeleteObjects"),
        ("GET", "/b/k", "", "GetObject"),
        ("DELETE", "/b/k/x", "", "DeleteObject"),
    ],
)
def test_s3_operation_names(method, path, query, operation):
    assert s3_operation(method, path, query) == operation


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(activity, "MAX_USERS", 5)
    monkeypatch.setattr(activity, "MAX_KEYS", 5)
    log = ActivityLog(Clock())
    for n in range(20):
        log.record(f"u{n}", "ListBuckets", 200)
        log.bind_key(f"k{n}", f"u{n}")
        log.record_client(f"c{n}", "RegisterClient", 200)
    for _ in range(activity.MAX_EVENTS + 50):
        log.record("u19", "ListBuckets", 200)
    assert len(log.users) == 5 and len(log.key_users) == 5 and len(log.waiting) == 5
    assert len(log.get("u19").events) == activity.MAX_EVENTS
    assert log.get("u19").ok["ListBuckets"] == activity.MAX_EVENTS + 51


def test_forget_clears_the_user_and_their_keys():
    log = ActivityLog(Clock())
    log.record("learner01", "ListBuckets", 200)
    log.bind_key("k1", "learner01")
    log.forget("learner01")
    assert log.get("learner01") is None and log.user_for_key("k1") is None
