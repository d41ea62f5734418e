"""The WSGI app in-process with werkzeug's test client: routing, shapes, admin API."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.test import Client

from sso_kit.sandbox.admin.auth import SECRET_HEADER
from sso_kit.sandbox.seed import default_seed
from sso_kit.sandbox.server import MAX_BODY, build_app


@pytest.fixture(scope="module")
def app():
    return build_app(seed=default_seed(), public_url="https://lab.example/proxy/sso")


@pytest.fixture
def http(app):
    return Client(app)


START_URL = default_seed()["start_url"]


def post_json(http, path, body, **kw):
    return http.post(path, data=json.dumps(body), content_type="application/json", **kw)


def register_and_start(http):
    """Register a public client and start a device authorization: (registration, start)."""
    reg = post_json(http, "/client/register", {"clientName": "c", "clientType": "public"}).json
    start = post_json(
        http,
        "/device_authorization",
        {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "startUrl": START_URL},
    ).json
    return reg, start


def test_register_and_start_use_the_public_url(http):
    _reg, start = register_and_start(http)
    assert start["verificationUri"] == "https://lab.example/proxy/sso/device"
    assert start["verificationUriComplete"].endswith(f"device?user_code={start['userCode']}")


def test_pending_error_shape(http):
    reg, start = register_and_start(http)
    response = post_json(
        http,
        "/token",
        {
            "clientId": reg["clientId"],
            "clientSecret": reg["clientSecret"],
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": start["deviceCode"],
        },
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("AuthorizationPendingException")
    assert response.json["error"] == "authorization_pending"
    assert response.headers["x-amzn-RequestId"]


def test_portal_without_valid_token_is_401_with_message(http):
    response = http.get("/assignment/accounts", headers={"x-amz-sso_bearer_token": "nope"})
    assert response.status_code == 401
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert response.json == {"message": "Session token not found or invalid"}


def test_path_prefix_is_stripped():
    app = build_app(seed=default_seed(), prefix="/sso-sandbox")
    response = Client(app).get("/sso-sandbox/_sandbox/health")
    assert response.status_code == 200 and response.json["sso_region"] == "us-east-1"
    page = Client(app).get("/sso-sandbox/device")
    assert page.status_code == 200 and 'action="device"' in page.text


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "203.0.113.9"])
def test_admin_api_needs_the_secret_even_from_loopback(app, address):
    response = post_json(
        Client(app), "/_sandbox/admin/reset_faults", {}, environ_base={"REMOTE_ADDR": address}
    )
    assert response.status_code == 401 and "admin secret" in response.json["message"]


def test_health_reports_facts_without_secrets(http):
    info = http.get("/_sandbox/health").json
    assert info["start_url"] == "https://my-sso-portal.awsapps.com/start"
    assert info["default_user"] == "learner" and "password" not in json.dumps(info)


def test_unknown_route_unsigned_is_access_denied(http):
    response = http.get("/no-such-bucket")
    assert response.status_code == 403 and b"AccessDenied" in response.data


@pytest.mark.parametrize(
    "extra",
    [
        {"grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": ["x"]},
        {"grantType": "refresh_token", "refreshToken": {"a": 1}},
        {"grantType": "authorization_code", "code": ["c"], "redirectUri": "u", "codeVerifier": "v"},
        {"grantType": "authorization_code", "code": "c", "redirectUri": 1, "codeVerifier": ["v"]},
    ],
)
def test_create_token_with_non_string_members_is_invalid_request_not_a_crash(http, extra):
    reg = post_json(http, "/client/register", {"clientName": "c", "clientType": "public"}).json
    body = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], **extra}
    response = post_json(http, "/token", body)
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"].startswith("InvalidRequestException")
    assert response.json["error"] == "invalid_request"
    assert "must be a string" in response.json["error_description"]


def test_register_client_rejects_a_non_string_issuer_url(http):
    body = {"clientName": "c", "clientType": "public", "issuerUrl": ["https://x"]}
    response = post_json(http, "/client/register", body)
    assert response.status_code == 400
    assert response.json["error_description"] == "issuerUrl must be a string"


def admin_call(app, action, body):
    return post_json(
        Client(app),
        f"/_sandbox/admin/{action}",
        body,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={SECRET_HEADER: app.auth.secret},
    )


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 1e12])
def test_skew_clock_rejects_values_that_would_break_every_response(seconds):
    app = build_app(seed=default_seed())
    response = admin_call(app, "skew_clock", {"seconds": seconds})
    assert response.status_code == 400 and "between" in response.json["message"]
    assert app.oidc.clock.skew == 0.0
    assert Client(app).get("/_sandbox/health").status_code == 200
    assert admin_call(app, "skew_clock", {"seconds": -90}).json == {"skew": -90.0}


@pytest.mark.parametrize(
    "body",
    [{"__init__": 5}, {"lock": 5}, {"interval": 0}, {"access_token": 60, "device_code": -5}],
)
def test_set_lifetimes_rejects_unknown_names_and_non_positive_values(body):
    app = build_app(seed=default_seed())
    before = vars(app.oidc.lifetimes).copy()
    response = admin_call(app, "set_lifetimes", body)
    assert response.status_code == 400
    assert (
        "unknown lifetime" in response.json["message"] or "at least 1" in response.json["message"]
    )
    assert vars(app.oidc.lifetimes) == before  # nothing half-applied
    assert admin_call(app, "reset_faults", {}).json == {"reset": True}
    assert admin_call(app, "set_lifetimes", {"interval": 2}).json["lifetimes"]["interval"] == 2


def test_a_counted_fault_fires_exactly_count_times_under_concurrent_requests():
    import threading
    import time

    class SlowLookups(dict):
        """Widens the gap between checking a fault and counting it down, as a busy server does."""

        def get(self, *args):
            time.sleep(0.002)
            return super().get(*args)

    app = build_app(seed=default_seed())
    app.oidc.faults.operations = SlowLookups(
        {"GetRoleCredentials": {"kind": "server_error", "count": 2}}
    )
    results: list[object] = []
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        try:
            results.append(app._server_fault("GetRoleCredentials"))
        except Exception as err:  # a KeyError from a double delete would land here
            results.append(err)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(repr, results)) == ["False"] * 6 + ["True"] * 2


class _Body(io.RawIOBase):
    """A request body of ``size`` bytes, handed out in small pieces, that counts what is read."""

    def __init__(self, data: bytes) -> None:
        self.data, self.taken = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self.data[self.taken : self.taken + min(len(buffer), 1000)]
        buffer[: len(piece)] = piece
        self.taken += len(piece)
        return len(piece)


def _chunked_post(app, path: str, body: _Body):
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(
        path=path, method="POST", headers={"Content-Type": "application/json"}
    ).get_environ()
    environ.pop(
        "CONTENT_LENGTH", None
    )  # what werkzeug's server does for Transfer-Encoding: chunked
    environ["wsgi.input"], environ["wsgi.input_terminated"] = body, True
    chunks, status, _ = run_wsgi_app(app, environ)
    return status, json.loads(b"".join(chunks))


def test_a_chunked_body_is_read_only_up_to_the_limit(app):
    body = _Body(b" " * 20_000_000)
    status, data = _chunked_post(app, "/token", body)
    assert status.startswith("413") and "larger than" in data["error_description"]
    assert body.taken <= 2 * MAX_BODY  # not the whole 20 MB in memory


def test_a_small_chunked_body_in_many_pieces_is_read_whole(app):
    body = _Body(json.dumps({"clientName": "c" * 3000, "clientType": "public"}).encode())
    status, data = _chunked_post(app, "/client/register", body)
    assert status.startswith("200") and data["clientId"]


def test_page_forms_are_bounded_with_or_without_a_content_length(app):
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    big = b"user_code=" + b"A" * 5_000_000
    response = Client(app).post(
        "/device", data=big, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413 and "too large" in response.text
    body = _Body(big)
    environ = EnvironBuilder(
        path="/device", method="POST", content_type="application/x-www-form-urlencoded"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"], environ["wsgi.input_terminated"] = body, True
    chunks, status, _ = run_wsgi_app(app, environ)
    b"".join(chunks)
    assert status[0] == "4"  # werkzeug drops the cut-off form, so the CSRF check fails
    assert body.taken <= 2 * 16_384  # not the whole 5 MB in memory


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("max_result=0", "max_result must be a whole number from 1 to 100"),
        ("max_result=101", "max_result must be a whole number from 1 to 100"),
        ("max_result=ten", "max_result must be a whole number from 1 to 100"),
        ("next_token=-1", "next_token is not one this portal returned"),
        ("next_token=abc", "next_token is not one this portal returned"),
    ],
)
def test_bad_paging_parameters_name_the_parameter_at_fault(app, http, query, says):
    token = app.oidc._issue("cid", "learner", app.directory.start_url, ["sso:account:access"])
    response = http.get(
        f"/assignment/accounts?{query}", headers={"x-amz-sso_bearer_token": token.access_token}
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert response.json["message"].startswith(says)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"operation": "GetRoleCredentials", "kind": "slow_down"}, "applies to CreateToken"),
        ({"operation": "s3", "kind": "deny"}, "applies to CreateToken"),
        ({"operation": "CreateToken", "kind": "slow_down", "count": 0}, "count must be at least 1"),
        ({"operation": "s3", "kind": "server_error", "count": -2}, "count must be at least 1"),
    ],
)
def test_set_fault_refuses_switches_that_would_silently_do_nothing_or_misfire(body, says):
    app = build_app(seed=default_seed())
    response = admin_call(app, "set_fault", body)
    assert response.status_code == 400 and says in response.json["message"]
    assert app.oidc.faults.operations == {}
    ok = admin_call(app, "set_fault", {"operation": "*", "kind": "slow_down", "count": 1})
    assert ok.json == {"faults": {"*": {"kind": "slow_down", "count": 1}}}


def test_the_date_header_is_formatdate_of_the_sandbox_clock_to_the_second():
    """Formatted once a second, with formatdate's own answer at every instant tried."""
    from email.utils import formatdate

    from sso_kit.sandbox.server import http_date

    for now in (0.0, 59.25, 1764650000.0, 1764650000.5, 1764650000.9995, 1764650001.0, -0.5):
        assert http_date(now) == formatdate(now, usegmt=True)
    assert http_date(1764650000.1) == http_date(1764650000.7) != http_date(1764650001.1)
