"""The admin API's checks, request by request: secret, Host, Origin, body type, login cookie.

These are the requests a hostile web page can make a learner's browser send to 127.0.0.1
(a no-cors fetch, a form post, a DNS-rebinding page with a foreign Host), plus the ways the
kit's own handles and a future dashboard page authenticate.
"""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from sso_kit.sandbox.admin.auth import COOKIE, LEGACY_HEADER, SECRET_HEADER, AdminAuth
from sso_kit.sandbox.admin.urls import url_paths
from sso_kit.sandbox.seed import default_seed
from sso_kit.sandbox.server import build_app

BASE = "http://127.0.0.1:8080"


@pytest.fixture(scope="module")
def app():
    return build_app(
        seed=default_seed(),
        public_url="https://hub.example.org/user/ana/proxy/8080",
        allowed_hosts=("sandbox.lab.internal",),
    )


@pytest.fixture
def http(app):
    return Client(app, use_cookies=False)


def call(http, path="/_sandbox/admin/whoami", *, method="POST", body=b"{}", **headers):
    content_type = headers.pop("content_type", "application/json")
    base = headers.pop("base_url", BASE)
    return http.open(
        path,
        method=method,
        data=body if method == "POST" else None,
        content_type=content_type if method == "POST" else None,
        headers=headers,
        base_url=base,
    )


def secret(app):
    return {SECRET_HEADER: app.auth.secret}


def test_every_admin_route_answers_401_without_the_secret_even_from_loopback(http):
    for method, path in url_paths:
        response = call(http, path, method=method)
        assert response.status_code == 401, path
        assert SECRET_HEADER in response.json["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


def test_unknown_admin_routes_also_need_the_secret_first(http, app):
    assert call(http, "/_sandbox/admin/no-such-call").status_code == 401
    assert call(http, "/_sandbox/admin/no-such-call", **secret(app)).status_code == 404


@pytest.mark.parametrize(
    "header",
    [
        lambda s: {SECRET_HEADER: s},
        lambda s: {"Authorization": f"Bearer {s}"},
        lambda s: {"authorization": f"bearer {s}"},
        lambda s: {LEGACY_HEADER: s},
    ],
)
def test_the_secret_in_any_accepted_header(http, app, header):
    response = call(http, **header(app.auth.secret))
    assert response.status_code == 200 and response.json["admin"] is True
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "header",
    [
        {SECRET_HEADER: "x" * 43},
        {"Authorization": "Bearer " + "x" * 43},
        {"Authorization": "Basic eHh4eA=="},
        {SECRET_HEADER: ""},
    ],
)
def test_a_wrong_or_empty_secret_is_401(http, header):
    assert call(http, **header).status_code == 401


def test_a_prefix_of_the_secret_is_not_the_secret(http, app):
    assert call(http, **{SECRET_HEADER: app.auth.secret[:-1]}).status_code == 401


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "http://127.0.0.1:9999", "http://localhost:8080"],
)
def test_a_foreign_origin_is_refused_even_with_the_secret(http, app, origin):
    response = call(http, Origin=origin, **secret(app))
    assert response.status_code == 403 and "Cross-origin" in response.json["message"]


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_sec_fetch_site_from_another_site_is_refused(http, app, site):
    assert call(http, **{"Sec-Fetch-Site": site}, **secret(app)).status_code == 403


def test_a_followed_link_to_an_admin_page_is_a_navigation_not_a_call(http, app):
    nav = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", **secret(app)}
    assert call(http, method="GET", **nav).status_code == 200
    assert call(http, method="POST", **nav).status_code == 403  # a form post is no link


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8080", "https://hub.example.org", "HTTPS://HUB.EXAMPLE.ORG"]
)
def test_the_own_and_the_public_origin_are_accepted(http, app, origin):
    assert call(http, Origin=origin, **secret(app)).status_code == 200


@pytest.mark.parametrize(
    "base", ["http://evil.example:8080", "http://127.0.0.1.evil.example", "http://localhost.evil"]
)
def test_a_foreign_host_header_is_refused_even_with_the_secret(http, app, base):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header shows it."""
    response = call(http, base_url=base, **secret(app))
    assert response.status_code == 403 and "is not this sandbox" in response.json["message"]


@pytest.mark.parametrize(
    "base",
    [
        "http://localhost:8080",
        "http://[::1]:8080",
        "http://192.0.2.7:8080",
        "http://hub.example.org",
        "http://sandbox.lab.internal:8080",
    ],
)
def test_loopback_ip_literal_public_and_allowed_hosts_are_accepted(http, app, base):
    assert call(http, base_url=base, **secret(app)).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
    ],
)
def test_bodies_a_browser_sends_without_preflight_are_refused(http, app, content_type):
    response = call(http, content_type=content_type, **secret(app))
    assert response.status_code == 415


def test_the_reported_attack_no_longer_changes_a_password(app):
    """The issue's curl: text/plain invite from a foreign Origin, from loopback, no secret."""
    before = app.directory.users["learner"].password
    response = call(
        Client(app),
        "/_sandbox/admin/invite",
        body=json.dumps({"user": "learner", "password": "attacker-pass-123"}).encode(),
        content_type="text/plain",
        Origin="http://evil.example",
    )
    assert response.status_code in (401, 403, 415)
    assert app.directory.users["learner"].password == before
    assert not app.directory.authenticate("learner", "attacker-pass-123")


def test_admin_credentials_need_the_secret(http, app):
    response = call(http, "/_sandbox/admin/admin_credentials", base_url="http://evil.example")
    assert response.status_code == 403 and "aws_secret" not in response.text
    assert call(http, "/_sandbox/admin/admin_credentials").status_code == 401
    ok = call(http, "/_sandbox/admin/admin_credentials", **secret(app))
    assert ok.status_code == 200 and ok.json["aws_access_key_id"]


def test_health_stays_public_and_tells_no_secret(http, app):
    response = http.get("/_sandbox/health")
    assert response.status_code == 200
    assert app.auth.secret not in response.text


# -- the login cookie a dashboard page uses -----------------------------------------------
def login(http, given, **headers):
    return http.post(
        "/_sandbox/login",
        data={"secret": given, "next": headers.pop("next", "admin/whoami")},
        headers=headers,
        base_url=BASE,
    )


def cookie_of(response):
    header = response.headers["Set-Cookie"]
    return header, header.split(";", 1)[0].split("=", 1)[1]


def test_login_page_is_a_form_without_secrets(http, app):
    page = http.get("/_sandbox/login", base_url=BASE)
    assert page.status_code == 200 and 'name="secret"' in page.text
    assert app.auth.secret not in page.text and "Set-Cookie" not in page.headers


def test_login_sets_an_httponly_strict_cookie_that_opens_the_admin_api(http, app):
    response = login(http, app.auth.secret)
    assert response.status_code == 303 and response.headers["Location"] == "admin/whoami"
    header, value = cookie_of(response)
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=" not in header
    assert app.auth.secret not in header
    cookie = {"Cookie": f"{COOKIE}={value}"}
    assert http.get("/_sandbox/admin/whoami", headers=cookie, base_url=BASE).json["admin"]
    ok = call(http, "/_sandbox/admin/reset_faults", **cookie)
    assert ok.status_code == 200
    # The cookie does not lift the other checks.
    assert (
        call(http, "/_sandbox/admin/reset_faults", content_type="text/plain", **cookie).status_code
        == 415
    )
    assert call(http, Origin="http://evil.example", **cookie).status_code == 403


def test_login_sends_only_to_pages_under_sandbox(http, app):
    for bad in ["https://evil.example/", "//evil.example", "../x", "/abs"]:
        response = login(http, app.auth.secret, next=bad)
        assert response.headers["Location"] == "admin/whoami", bad


def test_login_from_another_site_or_with_a_wrong_secret_sets_no_cookie(http, app):
    foreign = login(http, app.auth.secret, Origin="http://evil.example")
    assert foreign.status_code == 403 and "Set-Cookie" not in foreign.headers
    wrong = login(http, "not-the-secret")
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers


def test_forged_and_expired_cookies_are_refused():
    now = [1_000_000.0]
    auth = AdminAuth("s" * 32, clock=lambda: now[0])
    other = AdminAuth("t" * 32, clock=lambda: now[0])
    app = build_app(seed=default_seed())
    app.auth = auth
    http = Client(app, use_cookies=False)

    def whoami(value):
        headers = {"Cookie": f"{COOKIE}={value}"}
        return http.get("/_sandbox/admin/whoami", headers=headers, base_url=BASE).status_code

    good = auth.cookie_value()
    assert whoami(good) == 200
    assert whoami(other.cookie_value()) == 401  # signed with another secret
    expires, mac = good.split(".")
    assert whoami(f"{int(expires) + 3600}.{mac}") == 401  # lifetime stretched by hand
    assert whoami("garbage") == 401
    now[0] += 13 * 3600
    assert whoami(good) == 401  # expired


def test_wrong_login_secrets_are_slowed_down_per_source():
    app = build_app(seed=default_seed())
    http = Client(app, use_cookies=False)
    codes = [login(http, f"guess-{n}").status_code for n in range(8)]
    assert codes[:5] == [401] * 5 and 429 in codes[5:]
    # The same wrong guesses from another address do not block the instructor's login here.
    response = http.post(
        "/_sandbox/login",
        data={"secret": app.auth.secret},
        base_url=BASE,
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    assert response.status_code == 303


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="at least 16"):
        AdminAuth("short")


def test_a_tls_proxy_in_front_keeps_the_own_origin_working(http, app):
    """A hub serves https://name and forwards plain HTTP with Host: name."""
    response = call(
        http,
        base_url="http://sandbox.lab.internal",
        Origin="https://sandbox.lab.internal",
        **secret(app),
    )
    assert response.status_code == 200
    other = call(
        http, base_url="http://sandbox.lab.internal", Origin="https://evil.example", **secret(app)
    )
    assert other.status_code == 403


def test_the_proxy_tile_lets_the_hubs_host_name_in():
    from sso_kit.sandbox.proxy import setup_sandbox_proxy

    command = setup_sandbox_proxy({"JUPYTERHUB_PUBLIC_URL": "https://hub.example.org/"})["command"]
    assert command[command.index("--allowed-host") + 1] == "hub.example.org"
    assert "--allowed-host" not in setup_sandbox_proxy({})["command"]


def test_a_new_admin_row_gets_the_checks_and_may_answer_with_a_page(app, monkeypatch):
    """How an instructor dashboard plugs in: one row in the table, no auth code of its own."""
    from werkzeug.wrappers import Response

    from sso_kit.sandbox.admin import urls

    def page(backends, body):
        return Response("<h1>Dashboard</h1>", mimetype="text/html")

    monkeypatch.setitem(urls.url_paths, ("GET", urls.PREFIX + "dashboard"), ("Dashboard", page))
    http = Client(app, use_cookies=False)
    path = "/_sandbox/admin/dashboard"
    assert call(http, path, method="GET").status_code == 401
    assert (
        call(http, path, method="GET", base_url="http://evil.example", **secret(app)).status_code
        == 403
    )
    ok = call(http, path, method="GET", **secret(app))
    assert ok.status_code == 200 and ok.mimetype == "text/html" and "Dashboard" in ok.text
    assert ok.headers["Cache-Control"] == "no-store"
