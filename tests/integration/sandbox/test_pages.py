"""The browser pages, driven over HTTP: code entry, sign-in, consent, portal, rate limits."""

from __future__ import annotations

import pytest
from _sandbox_flows import Browser, start_flow

pytestmark = pytest.mark.integration


def test_sign_in_and_approve_in_the_browser(sandbox):
    flow = start_flow(sandbox)
    code = flow.authorization["userCode"]
    user = sandbox.default_user
    browser = Browser(sandbox)
    page = browser.get(flow.authorization["verificationUriComplete"].split("/")[-1])
    assert page.status_code == 200
    assert 'id="user_code"' in page.text and f'value="{code}"' in page.text
    assert page.text.count("<h1>") == 1 and '<label for="user_code">' in page.text
    page = browser.submit("device", user_code=code.lower().replace("-", ""))
    assert 'id="username"' in page.text and 'id="password"' in page.text
    page = browser.submit("signin", username=user.name, password=user.password)
    assert 'id="allow"' in page.text and 'id="deny"' in page.text and code in page.text
    page = browser.submit("consent", decision="allow")
    assert page.status_code == 200 and "Request approved" in page.text
    assert flow.poll()["accessToken"]


def test_deny_in_the_browser(sandbox):
    flow = start_flow(sandbox)
    user = sandbox.default_user
    page = Browser(sandbox).approve(
        flow.authorization["userCode"], user.name, user.password, allow=False
    )
    assert "Request denied" in page.text
    with pytest.raises(flow.oidc.exceptions.AccessDeniedException):
        flow.poll()


def test_wrong_password_is_refused(sandbox):
    flow = start_flow(sandbox)
    browser = Browser(sandbox)
    browser.get("device")
    browser.submit("device", user_code=flow.authorization["userCode"])
    page = browser.submit("signin", username="learner", password="wrong-password")
    assert page.status_code == 401 and "not correct" in page.text
    assert "wrong-password" not in page.text


def test_sign_in_rate_limit(fresh_sandbox):
    flow = start_flow(fresh_sandbox)
    browser = Browser(fresh_sandbox)
    browser.get("device")
    browser.submit("device", user_code=flow.authorization["userCode"])
    for _ in range(5):
        assert browser.submit("signin", username="learner", password="bad").status_code == 401
    user = fresh_sandbox.default_user
    page = browser.submit("signin", username=user.name, password=user.password)
    assert page.status_code == 429 and "Too many failed sign-ins" in page.text


def test_form_without_csrf_token_is_refused(sandbox):
    browser = Browser(sandbox)
    browser.get("device")
    page = browser.http.post(f"{browser.base}/device", data={"user_code": "ABCD-EFGH"})
    assert page.status_code == 400 and "out of date" in page.text


def test_access_portal_page_shows_start_url_region_accounts_roles(sandbox):
    browser = Browser(sandbox)
    page = browser.get("portal")
    assert 'id="username"' in page.text
    user = sandbox.default_user
    page = browser.submit("signin", username=user.name, password=user.password)
    assert sandbox.start_url in page.text and sandbox.sso_region in page.text
    assert "111122223333" in page.text
    assert "PowerUserAccess" in page.text and "S3ReadOnly" in page.text


def test_pages_use_relative_links_only(sandbox):
    page = Browser(sandbox).get("/")
    assert 'href="device"' in page.text and 'href="style.css"' in page.text
    assert 'href="/' not in page.text and 'action="/' not in page.text
