"""After Deny, Cancel, expiry or success the login panel clears the dead code, link and QR,
and its errors say what to click, never a CLI command (the panel is driven with .click())."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from sso_kit.errors import AuthorizationDeniedError, LoginError, ProfileNotFoundError
from sso_kit.ui.login_panel import LoginPanel
from sso_kit.ui.session import SessionState


class Flow:
    """A device login that stays pending, fails with ``error``, or succeeds after one poll."""

    interval = 0.01

    def __init__(self, *, error=None, succeed=False, lifetime=600.0):
        self.error, self.succeed, self.lifetime = error, succeed, lifetime

    def start(self):
        expires = datetime.now(timezone.utc) + timedelta(seconds=self.lifetime)
        return SimpleNamespace(
            verification_uri="http://127.0.0.1:1/device",
            user_code="WXYZ-ABCD",
            verification_uri_complete="http://127.0.0.1:1/device?user_code=WXYZ-ABCD",
            expires_at=expires,
            interval=1,
        )

    def poll_once(self):
        if self.error is not None:
            raise self.error
        if self.succeed:
            return SimpleNamespace(sso_session="sso-kit", expires_at=datetime.now(timezone.utc))
        return None

    def wait(self, cancel, *, on_tick=None, nap=0.2):
        """The library's loop in small: poll, tick, until a result, an error or ``cancel``."""
        from sso_kit.errors import LoginCancelledError

        while not cancel.is_set():
            result = self.poll_once()
            if result is not None:
                return result
            if on_tick is not None:
                on_tick()
            cancel.wait(nap)
        raise LoginCancelledError("Login cancelled.")

    def cancel(self):
        pass


def panel_for(flow) -> LoginPanel:
    """A panel over a session state of its own, which nothing refreshes behind the test's
    back: the kernel-wide shared one follows the cache files, and the fake flow writes none,
    so a refresh after a fake success would rightly say "Logged out" (it did, now and then,
    when the shared state's watcher saw this test's HOME replace the previous test's)."""
    state = SessionState("sso-kit-tutorial", status=lambda p, s: SimpleNamespace(
        message="not logged in", logged_in=False, sso_session=None))  # fmt: skip
    return LoginPanel("sso-kit-tutorial", device_login=lambda p, s: flow, tick=0.01, state=state)


def assert_cleared(panel: LoginPanel) -> None:
    assert panel.user_code.value == "" and panel.link.value == ""
    assert panel.qr.layout.display == "none"
    assert panel.countdown.layout.visibility == "hidden"
    assert not panel.running  # the countdown no longer ticks
    assert "sso-kit login" not in panel.status.text


def finish(panel: LoginPanel) -> None:
    with pytest.raises(LoginError):
        panel.wait(10)


def test_deny_clears_the_code_and_says_click_log_in_and_allow():
    denied = AuthorizationDeniedError(
        "Access was denied.", hint="Run sso-kit login --sso-session sso-kit again and choose Allow."
    )
    panel = panel_for(Flow(error=denied))
    panel.login_button.click()
    finish(panel)
    assert_cleared(panel)
    assert panel.status.text == (
        "Access was denied. Click Log in again and choose Allow on the sign-in page."
    )


def test_cancel_clears_the_code():
    panel = panel_for(Flow())
    panel.login_button.click()
    assert "WXYZ-ABCD" in panel.user_code.value
    panel.cancel_button.click()
    finish(panel)
    assert_cleared(panel)
    assert "Click Log in to start again." in panel.status.text


def test_expiry_clears_the_code_and_offers_a_new_one():
    panel = panel_for(Flow(lifetime=0.05))
    panel.login_button.click()
    finish(panel)
    assert_cleared(panel)
    assert "expired" in panel.status.text and "Click Log in to get a new code." in panel.status.text


def test_success_clears_the_code():
    panel = panel_for(Flow(succeed=True))
    panel.login_button.click()
    panel.wait(10)
    assert_cleared(panel)
    assert panel.status.kind == "ok"


def test_a_missing_profile_points_at_step_05_not_at_the_cli():
    def missing(profile, session):
        raise ProfileNotFoundError(
            'The profile "sso-kit-tutorial" is not in ~/.aws/config.',
            hint="Create it with: sso-kit configure --profile sso-kit-tutorial ...",
        )

    panel = LoginPanel("sso-kit-tutorial", device_login=missing)
    panel.login_button.click()
    assert "click Save profile" in panel.status.text
    assert "sso-kit configure" not in panel.status.text
