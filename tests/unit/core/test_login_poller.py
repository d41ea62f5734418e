"""The device-code poller with injected time and a scripted fake sso-oidc client."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from sso_kit import cache, config
from sso_kit.errors import (
    AuthorizationDeniedError,
    AuthorizationExpiredError,
    LoginCancelledError,
    LoginError,
)
from sso_kit.login import DeviceLogin, login

URL = "https://d-1234567890.awsapps.com/start"
T0 = datetime(2026, 11, 27, 9, 0, 0, tzinfo=timezone.utc)


class Clock:
    """Injected time: ``sleep`` advances ``now``."""

    def __init__(self) -> None:
        self.now = T0
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


def oidc_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "CreateToken")


class FakeOidc:
    """Scripted CreateToken outcomes; records every call (a unit-test fake, never a server)."""

    def __init__(self, outcomes: list[Any], clock: Clock) -> None:
        self.outcomes = list(outcomes)
        self.clock = clock
        self.calls: list[tuple[str, dict[str, Any], datetime]] = []

    def register_client(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("register_client", kw, self.clock.now))
        return {
            "clientId": "cid",
            "clientSecret": "csecret",
            "clientSecretExpiresAt": int((T0 + timedelta(days=90)).timestamp()),
        }

    def start_device_authorization(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("start_device_authorization", kw, self.clock.now))
        return {
            "deviceCode": "devcode",
            "userCode": "ABCD-EFGH",
            "verificationUri": "https://device.example/",
            "verificationUriComplete": "https://device.example/?user_code=ABCD-EFGH",
            "expiresIn": 600,
            "interval": 1,
        }

    def create_token(self, **kw: Any) -> dict[str, Any]:
        self.calls.append(("create_token", kw, self.clock.now))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def poll_times(self) -> list[float]:
        return [(t - T0).total_seconds() for name, _, t in self.calls if name == "create_token"]


SUCCESS = {"accessToken": "at-1", "expiresIn": 3600, "refreshToken": "rt-1"}
PENDING = "AuthorizationPendingException"


@pytest.fixture(autouse=True)
def profile(isolated_aws_home: Path) -> str:
    config.configure_profile(
        "dev",
        sso_session="my-sso",
        start_url=URL,
        sso_region="us-east-1",
        account_id="111122223333",
        role_name="ReadOnly",
    )
    return "dev"


def make(outcomes: list[Any]) -> tuple[DeviceLogin, FakeOidc, Clock]:
    clock = Clock()
    fake = FakeOidc(outcomes, clock)
    flow = DeviceLogin("dev", clock=clock, sleep=clock.sleep, client=fake)
    return flow, fake, clock


def test_success_after_pending_writes_the_cli_token() -> None:
    flow, fake, _clock = make([oidc_error(PENDING), oidc_error(PENDING), SUCCESS])
    pending = flow.start()
    assert pending.user_code == "ABCD-EFGH"
    assert pending.expires_at == T0 + timedelta(seconds=600)
    result = flow.wait()
    assert fake.poll_times() == [0, 1, 2], "first poll at once, then every interval"
    assert result.expires_at == T0 + timedelta(hours=1, seconds=2)
    assert not result.skipped
    doc = json.loads(result.token_path.read_text())
    assert list(doc) == list(cache.TOKEN_FIELDS)
    assert doc["expiresAt"] == "2026-11-27T10:00:02Z"
    assert doc["registrationExpiresAt"] == "2027-02-25T09:00:00Z"
    register = fake.calls[0][1]
    assert register == {
        "clientName": "botocore-client-my-sso",
        "clientType": "public",
        "scopes": ["sso:account:access"],
    }
    assert fake.calls[-1][1]["grantType"] == "urn:ietf:params:oauth:grant-type:device_code"


def test_slow_down_adds_five_seconds_for_good() -> None:
    flow, fake, _ = make(
        [
            oidc_error("SlowDownException"),
            oidc_error(PENDING),
            oidc_error("SlowDownException"),
            oidc_error(PENDING),
            SUCCESS,
        ]
    )
    flow.start()
    flow.wait()
    assert fake.poll_times() == [0, 6, 12, 23, 34]
    assert flow.interval == 11


def test_expired_device_code_raises_authorization_expired() -> None:
    flow, _, _ = make([oidc_error(PENDING), oidc_error("ExpiredTokenException")])
    flow.start()
    with pytest.raises(AuthorizationExpiredError, match="sso-kit login --sso-session my-sso"):
        flow.wait()
    assert not cache.token_cache_path("my-sso").exists()


def test_client_side_expiry_stops_an_endless_pending() -> None:
    flow, _, clock = make([oidc_error(PENDING)] * 1000)
    flow.start()
    with pytest.raises(AuthorizationExpiredError):
        flow.wait()
    assert clock.now > T0 + timedelta(seconds=600)


def test_denied_raises_authorization_denied() -> None:
    flow, _, _ = make([oidc_error(PENDING), oidc_error("AccessDeniedException")])
    flow.start()
    with pytest.raises(AuthorizationDeniedError, match="denied"):
        flow.wait()


def test_other_service_errors_become_login_errors_without_secrets() -> None:
    flow, _, _ = make([oidc_error("InvalidClientException")])
    flow.start()
    with pytest.raises(LoginError) as info:
        flow.wait()
    assert "InvalidClientException" in str(info.value)
    for secret in ("csecret", "devcode"):
        assert secret not in str(info.value) + repr(info.value) + repr(flow)


def test_network_errors_are_retried_then_reported() -> None:
    boom = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    flow, _fake, _ = make([boom, boom, SUCCESS])
    flow.start()
    assert flow.wait().token_path.exists()
    flow2, _, _ = make([boom, boom, boom])
    flow2.start()
    with pytest.raises(LoginError, match="3 times in a row"):
        flow2.wait()


def test_cancel_from_another_thread_stops_the_wait() -> None:
    clock = Clock()
    cancel = threading.Event()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 3:
            cancel.set()

    fake = FakeOidc([oidc_error(PENDING)] * 50, clock)
    flow = DeviceLogin("dev", clock=clock, sleep=sleep, client=fake)
    flow.start()
    with pytest.raises(LoginCancelledError, match="cancelled"):
        flow.wait(cancel)
    assert not cache.token_cache_path("my-sso").exists()


def test_cancel_method_stops_poll_once() -> None:
    flow, _, _ = make([oidc_error(PENDING)])
    flow.start()
    assert flow.poll_once() is None
    flow.cancel()
    with pytest.raises(LoginCancelledError):
        flow.poll_once()


def test_registration_is_cached_and_reused() -> None:
    flow, _fake, _ = make([SUCCESS])
    flow.start()
    flow.wait()
    key = cache.registration_cache_key(URL, "us-east-1", ["sso:account:access"], "my-sso")
    reg = json.loads((cache.sso_cache_dir() / f"{key}.json").read_text())
    assert reg == {
        "clientId": "cid",
        "clientSecret": "csecret",
        "expiresAt": "2027-02-25T09:00:00Z",
        "scopes": ["sso:account:access"],
    }
    flow2, fake2, _ = make([SUCCESS])
    flow2.start()
    assert [c[0] for c in fake2.calls] == ["start_device_authorization"]


def test_pkce_registration_is_not_reused_by_the_device_flow() -> None:
    key = cache.registration_cache_key(URL, "us-east-1", ["sso:account:access"], "my-sso")
    cache.save_registration(
        key,
        {
            "clientId": "pkce",
            "clientSecret": "s",
            "expiresAt": "2099-01-01T00:00:00Z",
            "scopes": ["sso:account:access"],
            "grantTypes": ["authorization_code", "refresh_token"],
        },
    )
    flow, fake, _ = make([SUCCESS])
    flow.start()
    assert fake.calls[0][0] == "register_client"


def test_second_start_of_the_same_session_is_refused_while_one_is_pending() -> None:
    flow, _, _ = make([oidc_error(PENDING), SUCCESS])
    flow.start()
    other, _, _ = make([SUCCESS])
    with pytest.raises(LoginError, match="already waiting"):
        other.start()
    flow.wait()
    other.start()  # the lock is free again once the first login finished


def test_login_if_needed_skips_with_a_fresh_refreshable_token() -> None:
    cache.save_token(
        "my-sso",
        start_url=URL,
        region="us-east-1",
        access_token="at",
        expires_at=datetime.now(timezone.utc) + timedelta(hours=1),
        client_id="c",
        client_secret="s",
        registration_expires_at="2099-01-01T00:00:00Z",
        refresh_token="r",
    )
    result = login("dev")  # would need a network call if it did not skip
    assert result.skipped and result.sso_session == "my-sso"


def test_registration_with_an_unreadable_expiry_is_replaced_not_fatal() -> None:
    key = cache.registration_cache_key(URL, "us-east-1", ["sso:account:access"], "my-sso")
    cache.save_registration(
        key, {"clientId": "old", "clientSecret": "s", "expiresAt": "not a date"}
    )
    flow, fake, _ = make([SUCCESS])
    flow.start()
    assert fake.calls[0][0] == "register_client"
    reg = json.loads((cache.sso_cache_dir() / f"{key}.json").read_text())
    assert reg["clientId"] == "cid" and reg["expiresAt"] == "2027-02-25T09:00:00Z"
