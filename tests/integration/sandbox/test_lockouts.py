"""Failure limits over real HTTP: wrong user codes, wrong passwords, auto-approve.

Limits fall on the client address (and everybody together for codes), never on a cookie or
a user name: a fresh browser session does not reset them, and the owner signing in from
another address still gets in. Other addresses are real: the scripted browser connects from
127.0.0.2, which Linux routes over loopback like 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _sandbox_flows import Browser, start_flow

from sso_kit.errors import SandboxError
from sso_kit.sandbox import Sandbox
from sso_kit.sandbox.pages.views import CODE_FREE_PER_SOURCE, SIGNIN_FREE

pytestmark = pytest.mark.integration


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox of this test's own, so its failure counts start at zero."""
    with Sandbox(host="127.0.0.1", port=0, learners=2) as sb:
        yield sb


@pytest.fixture
def auto_learners() -> Iterator[Sandbox]:
    with Sandbox(host="127.0.0.1", port=0, learners=2, auto_approve=True) as sb:
        yield sb


def wrong_code_in_a_fresh_session(sb: Sandbox, source: str | None = None) -> int:
    browser = Browser(sb, source)
    browser.get("device")
    return int(browser.submit("device", user_code="BBBB-CCCC").status_code)


def test_wrong_codes_from_fresh_sessions_still_hit_the_limit(own_sandbox):
    """The reported bypass: one new cookie per guess. The limit follows the address."""
    codes = [wrong_code_in_a_fresh_session(own_sandbox) for _ in range(CODE_FREE_PER_SOURCE + 3)]
    assert codes[:CODE_FREE_PER_SOURCE] == [400] * CODE_FREE_PER_SOURCE
    assert set(codes[CODE_FREE_PER_SOURCE:]) == {429}
    # While blocked, even a real code is not checked from this address ...
    flow = start_flow(own_sandbox)
    browser = Browser(own_sandbox)
    browser.get("device")
    page = browser.submit("device", user_code=flow.authorization["userCode"])
    assert page.status_code == 429 and "Too many wrong codes" in page.text
    # ... but the learner's own browser on another address goes on normally.
    other = Browser(own_sandbox, source="127.0.0.2")
    user = own_sandbox.users["learner01"]
    page = other.approve(flow.authorization["userCode"], user.name, user.password)
    assert "Request approved" in page.text
    assert flow.poll()["accessToken"]


def test_a_wrong_password_flood_slows_the_attacker_not_the_owner(own_sandbox):
    user = own_sandbox.users["learner01"]
    attacker = Browser(own_sandbox)
    attacker.get("device")
    attacker.submit("device", user_code=start_flow(own_sandbox).authorization["userCode"])
    statuses = []
    for n in range(SIGNIN_FREE + 3):
        page = attacker.submit("signin", username=user.name, password=f"guess-{n}-xyz")
        statuses.append(page.status_code)
    assert statuses[:SIGNIN_FREE] == [401] * SIGNIN_FREE
    assert set(statuses[SIGNIN_FREE:]) == {429}
    # The attacker's address waits even with the right password (no free oracle) ...
    page = attacker.submit("signin", username=user.name, password=user.password)
    assert page.status_code == 429
    # ... and the owner, from their own address and with the right password, gets in.
    flow = start_flow(own_sandbox)
    owner = Browser(own_sandbox, source="127.0.0.2")
    page = owner.approve(flow.authorization["userCode"], user.name, user.password)
    assert "Request approved" in page.text
    token = flow.poll()["accessToken"]
    assert own_sandbox.app.oidc.validate_access_token(token).user == user.name
    # Another user behind the attacker's address is not locked out either.
    other_user = own_sandbox.users["learner02"]
    flow = start_flow(own_sandbox)
    page = Browser(own_sandbox).approve(
        flow.authorization["userCode"], other_user.name, other_user.password
    )
    assert "Request approved" in page.text


def test_auto_approve_never_issues_a_token_after_a_failed_approve(auto_learners):
    """With --auto-approve, a failed approve for learner01 must not turn into 'learner'."""
    flow = start_flow(auto_learners)
    code = flow.authorization["userCode"]
    with pytest.raises(SandboxError, match="not correct"):
        auto_learners.approve(code, "learner01", "a-wrong-password")
    with pytest.raises(flow.oidc.exceptions.AuthorizationPendingException):
        flow.poll()
    auto_learners.approve(code, "learner01")
    token = flow.poll()["accessToken"]
    assert auto_learners.app.oidc.validate_access_token(token).user == "learner01"


def test_auto_approve_after_a_429_for_a_learner_gives_no_token(auto_learners):
    for n in range(SIGNIN_FREE):  # the admin source is now throttled for learner02
        flow = start_flow(auto_learners)
        with pytest.raises(SandboxError):
            auto_learners.approve(flow.authorization["userCode"], "learner02", f"bad-{n}-pass")
    flow = start_flow(auto_learners)
    with pytest.raises(SandboxError, match="Too many failed sign-ins"):
        auto_learners.approve(flow.authorization["userCode"], "learner02")
    with pytest.raises(flow.oidc.exceptions.AuthorizationPendingException):
        flow.poll()


def test_auto_approve_still_approves_codes_nobody_entered(auto_learners):
    flow = start_flow(auto_learners)
    token = flow.poll()["accessToken"]
    assert auto_learners.app.oidc.validate_access_token(token).user == "learner"
