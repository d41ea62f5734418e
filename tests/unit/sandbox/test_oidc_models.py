"""OIDC state machine, codes, PKCE and lifetimes, with an injected clock (no server)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from sso_kit.sandbox.oidc import exceptions as exc
from sso_kit.sandbox.oidc.models import (
    DEVICE_GRANT,
    Clock,
    OidcBackend,
    new_user_code,
    normalize_user_code,
    pkce_matches,
    redirect_allowed,
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def time_():
    return FakeTime()


@pytest.fixture
def backend(time_):
    return OidcBackend(clock=Clock(time_))


def start(backend):
    client = backend.register_client("botocore-client-x", "public", scopes=["sso:account:access"])
    device = backend.start_device_authorization(client.client_id, client.client_secret, "https://x")
    body = {
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
        "grantType": DEVICE_GRANT,
        "deviceCode": device.device_code,
    }
    return client, device, body


def test_user_codes_are_unambiguous_and_normalised():
    codes = {new_user_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert re.fullmatch(r"[A-HJKMNP-TV-Z]{4}-[A-HJKMNP-TV-Z]{4}", code)
    assert normalize_user_code(" bdfh kmnp ") == "BDFH-KMNP"
    assert normalize_user_code("bdfh-kmnp") == "BDFH-KMNP"


def test_pkce_s256():
    verifier = "a" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert pkce_matches(verifier, challenge.rstrip(b"=").decode())
    assert not pkce_matches("b" * 64, challenge.rstrip(b"=").decode())


@pytest.mark.parametrize(
    ("used", "ok"),
    [
        ("http://127.0.0.1/oauth/callback", True),
        ("http://127.0.0.1:49152/oauth/callback", True),
        ("http://127.0.0.1:49152/other", False),
        ("http://localhost:49152/oauth/callback", False),
        ("https://127.0.0.1:49152/oauth/callback", False),
        ("http://127.0.0.1:49152/oauth/callback?x=1", False),
        ("http://evil.example/oauth/callback", False),
    ],
)
def test_loopback_redirect_any_port_only_when_portless_uri_registered(used, ok):
    assert redirect_allowed(["http://127.0.0.1/oauth/callback"], used) is ok


def test_state_machine_pending_approved_redeemed(backend, time_):
    _, device, body = start(backend)
    assert device.expires_at - device.created_at == 600 and device.interval == 1
    with pytest.raises(exc.AuthorizationPending):
        backend.create_token(body)
    backend.decide(device.user_code, "learner", allow=True)
    time_.now += 1
    token = backend.create_token(body)
    assert token.user == "learner" and token.expires_at - time_.now == 3600
    with pytest.raises(exc.InvalidGrant):
        backend.create_token(body)
    assert backend.find_pending(device.user_code) is None


def test_denied_then_forgotten(backend):
    _, device, body = start(backend)
    backend.decide(device.user_code, "learner", allow=False)
    with pytest.raises(exc.AccessDenied):
        backend.create_token(body)
    with pytest.raises(exc.InvalidGrant):
        backend.create_token(body)


def test_expiry_with_injected_clock(backend, time_):
    _, device, body = start(backend)
    time_.now += 599
    assert backend.find_pending(device.user_code) is not None
    time_.now += 1
    assert backend.find_pending(device.user_code) is None
    with pytest.raises(exc.ExpiredToken):
        backend.create_token(body)


def test_slow_down_spares_the_first_two_polls(backend, time_):
    _, _, body = start(backend)
    for _ in range(2):
        with pytest.raises(exc.AuthorizationPending):
            backend.create_token(body)
    with pytest.raises(exc.SlowDown):
        backend.create_token(body)
    time_.now += 1
    with pytest.raises(exc.AuthorizationPending):
        backend.create_token(body)


def test_refresh_is_bounded_by_the_session(backend, time_):
    client, device, body = start(backend)
    backend.decide(device.user_code, "learner", allow=True)
    token = backend.create_token(body)
    time_.now += 8 * 3600 - 60
    refreshed = backend.create_token(
        {
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "grantType": "refresh_token",
            "refreshToken": token.refresh_token,
        }
    )
    assert refreshed.expires_at == token.refresh_expires_at  # capped by the session
    time_.now += 61
    assert backend.validate_access_token(refreshed.access_token) is None
    with pytest.raises(exc.InvalidGrant):
        backend.create_token(
            {
                "clientId": client.client_id,
                "clientSecret": client.client_secret,
                "grantType": "refresh_token",
                "refreshToken": refreshed.refresh_token,
            }
        )


def test_client_secret_lifetime_is_about_90_days(backend, time_):
    client = backend.register_client("x", "public")
    assert client.secret_expires_at - time_.now == 90 * 24 * 3600
    time_.now = client.secret_expires_at
    with pytest.raises(exc.InvalidClient):
        backend.authenticate_client(client.client_id, client.client_secret)


def test_auto_approve_on_first_poll(backend):
    backend.auto_approve_user = "learner"
    _, _, body = start(backend)
    assert backend.create_token(body).user == "learner"


def test_faults_count_down(backend):
    backend.faults.operations["CreateToken"] = {"kind": "slow_down", "count": 2}
    _, _, body = start(backend)
    for _ in range(2):
        with pytest.raises(exc.SlowDown):
            backend.create_token(body)
    assert backend.faults.kind("CreateToken") is None


def test_error_shapes_match_the_wire_format():
    err = exc.AuthorizationPending()
    assert err.headers()["x-amzn-ErrorType"].startswith("AuthorizationPendingException:")
    assert err.body() == {
        "error": "authorization_pending",
        "error_description": "Authorization is still pending",
    }
    assert exc.InvalidClient().status == 401 and exc.InternalServer().status == 500


def test_export_restore_round_trip(backend, time_):
    _, device, body = start(backend)
    backend.decide(device.user_code, "learner", allow=True)
    token = backend.create_token(body)
    again = OidcBackend(clock=Clock(time_))
    again.restore(backend.export())
    assert again.validate_access_token(token.access_token).user == "learner"


@pytest.mark.parametrize("how", ["revoke", "expire"])
def test_ending_sessions_also_ends_access_tokens_replaced_by_a_refresh(backend, how):
    client, device, body = start(backend)
    backend.decide(device.user_code, "learner", allow=True)
    first = backend.create_token(body)
    refreshed = backend.create_token(
        {
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "grantType": "refresh_token",
            "refreshToken": first.refresh_token,
        }
    )
    assert backend.validate_access_token(first.access_token) is not None  # still valid
    assert backend.end_sessions("learner", how) == 2
    assert backend.validate_access_token(first.access_token) is None
    assert backend.validate_access_token(refreshed.access_token) is None
