"""Authorization code + PKCE, end to end: /authorize, sign-in, consent, loopback redirect."""

from __future__ import annotations

import base64
import hashlib
import http.server
import secrets
import threading
import urllib.parse
import uuid

import pytest
from _sandbox_flows import Browser, client

pytestmark = pytest.mark.integration


class Callback:
    """A loopback callback server on a free port, like the AWS CLI's."""

    def __init__(self) -> None:
        self.query: dict[str, str] = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parsed = urllib.parse.urlsplit(self.path)
                outer.query = dict(urllib.parse.parse_qsl(parsed.query))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}/oauth/callback"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def callback():
    cb = Callback()
    yield cb
    cb.close()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(sb, client_id: str, redirect: str, challenge: str, state: str) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": "sso:account:access",
            "code_challenge": challenge,
        },
        quote_via=urllib.parse.quote,
    )
    return f"authorize?{query}"


def register(sb):
    oidc = client(sb, "sso-oidc")
    reg = oidc.register_client(
        clientName="botocore-client-pkce",
        clientType="public",
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://127.0.0.1/oauth/callback"],
        issuerUrl=sb.start_url,
        scopes=["sso:account:access"],
    )
    return oidc, reg


def sign_in_and_decide(
    sb, client_id: str, redirect: str, challenge: str, state: str, decision: str
):
    """The learner's browser: open the authorize URL, sign in, answer the consent page.

    Returns (the browser, the sign-in page, the consent answer: a redirect to ``redirect``).
    """
    browser = Browser(sb)
    page = browser.get(authorize_url(sb, client_id, redirect, challenge, state))
    user = sb.default_user
    browser.submit("signin", username=user.name, password=user.password)
    return browser, page, browser.submit("consent", decision=decision)


def test_pkce_end_to_end(sandbox, callback):
    oidc, reg = register(sandbox)
    _verifier, challenge = pkce_pair()
    state = str(uuid.uuid4())
    browser, page, redirect = sign_in_and_decide(
        sandbox, reg["clientId"], callback.uri, challenge, state, "allow"
    )
    assert 'id="username"' in page.text
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith(callback.uri + "?")
    browser.http.get(redirect.headers["Location"], timeout=30)  # the browser follows it
    assert callback.query["state"] == state and callback.query["code"]

    args = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": "authorization_code",
        "code": callback.query["code"],
        "redirectUri": callback.uri,
    }
    with pytest.raises(oidc.exceptions.InvalidGrantException) as err:
        oidc.create_token(**args, codeVerifier="x" * 64)
    assert "codeVerifier" in str(err.value)


def test_pkce_token_and_wrong_redirect(sandbox, callback):
    oidc, reg = register(sandbox)
    verifier, challenge = pkce_pair()
    browser, _, redirect = sign_in_and_decide(
        sandbox, reg["clientId"], callback.uri, challenge, "s1", "allow"
    )
    browser.http.get(redirect.headers["Location"], timeout=30)
    code = callback.query["code"]
    args = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": "authorization_code",
        "code": code,
        "redirectUri": callback.uri,
        "codeVerifier": verifier,
    }
    token = oidc.create_token(**args)
    assert token["accessToken"] and token["refreshToken"]
    accounts = client(sandbox, "sso").list_accounts(accessToken=token["accessToken"])
    assert accounts["accountList"][0]["accountId"] == "111122223333"
    with pytest.raises(oidc.exceptions.InvalidGrantException):  # codes are single use
        oidc.create_token(**args)


def test_pkce_deny_redirects_with_error(sandbox, callback):
    _, reg = register(sandbox)
    _, challenge = pkce_pair()
    *_, redirect = sign_in_and_decide(
        sandbox, reg["clientId"], callback.uri, challenge, "s2", "deny"
    )
    location = redirect.headers["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert query == {"error": "access_denied", "state": "s2"}


@pytest.mark.parametrize(
    "redirect",
    ["http://evil.example/oauth/callback", "http://127.0.0.1:5555/other/path"],
)
def test_unregistered_redirect_is_refused(sandbox, redirect):
    _, reg = register(sandbox)
    _, challenge = pkce_pair()
    page = Browser(sandbox).get(authorize_url(sandbox, reg["clientId"], redirect, challenge, "s"))
    assert page.status_code == 400 and "redirect_uri" in page.text


def test_plain_challenge_method_is_refused(sandbox, callback):
    _, reg = register(sandbox)
    url = authorize_url(sandbox, reg["clientId"], callback.uri, "a" * 43, "s").replace(
        "S256", "plain"
    )
    page = Browser(sandbox).get(url)
    assert page.status_code == 400 and "S256" in page.text


def test_auto_approve_redirects_immediately(auto_sandbox, callback):
    oidc, reg = register(auto_sandbox)
    verifier, challenge = pkce_pair()
    browser = Browser(auto_sandbox)
    browser.get(authorize_url(auto_sandbox, reg["clientId"], callback.uri, challenge, "s3"))
    assert callback.query["state"] == "s3"
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="authorization_code",
        code=callback.query["code"],
        redirectUri=callback.uri,
        codeVerifier=verifier,
    )
    assert token["accessToken"]
