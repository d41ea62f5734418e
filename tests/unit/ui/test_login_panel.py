"""LoginPanel driven with `.click()` and a fake DeviceLogin (real background thread)."""

from __future__ import annotations

from sso_kit.errors import AuthorizationDeniedError, LoginCancelledError
from sso_kit.ui.login_panel import LoginPanel


def test_click_shows_code_link_qr_then_logs_in(fake_login_factory):
    factory = fake_login_factory(pending_polls=3)
    panel = LoginPanel("p", "sso-kit", device_login=factory, tick=0.01)
    panel.login_button.click()
    assert "ABCD-EFGH" in panel.user_code.value
    assert "user_code=ABCD-EFGH" in panel.link.value
    assert b"<svg" in bytes(panel.qr.value)
    result = panel.wait(10)
    assert result.sso_session == "sso-kit"
    assert factory.made[0].polls == 4
    assert panel.status.kind == "ok"
    assert "Logged in" in panel.status.text
    assert not panel.login_button.disabled
    assert panel.cancel_button.disabled


def test_cancel_stops_polling_and_says_so(fake_login_factory):
    factory = fake_login_factory(pending_polls=10**9)
    panel = LoginPanel("p", device_login=factory, tick=0.01)
    panel.start()
    assert not panel.cancel_button.disabled
    panel.cancel_button.click()
    try:
        panel.wait(10)
    except LoginCancelledError:
        pass
    else:
        raise AssertionError("wait() after Cancel must raise LoginCancelledError")
    assert factory.made[0].cancelled
    assert panel.status.kind == "error"
    assert "cancelled" in panel.status.text.lower()


def test_denied_is_shown_with_next_step(fake_login_factory):
    err = AuthorizationDeniedError("Access was denied.", hint="Log in again and choose Allow.")
    panel = LoginPanel("p", device_login=fake_login_factory(error=err), tick=0.01)
    try:
        panel.run_headless(10)
    except AuthorizationDeniedError:
        pass
    else:
        raise AssertionError("run_headless must raise the flow's error")
    assert "choose Allow" in panel.status.text


def test_start_error_in_click_is_displayed(fake_login_factory):
    def broken(profile, session):
        raise RuntimeError("no such profile")

    panel = LoginPanel("p", device_login=broken)
    panel.login_button.click()
    assert panel.status.kind == "error"
    assert "no such profile" in panel.status.text


def test_countdown_uses_injected_clock(fake_login_factory):
    factory = fake_login_factory(pending_polls=10**9)
    now = [0.0]
    panel = LoginPanel("p", device_login=factory, clock=lambda: now[0], tick=0.01)
    panel._show_pending(
        factory("p", None).start().__class__("http://h/d", "CODE-CODE", "http://h/d?c", 600.0, 5)
    )
    assert panel.countdown.value == 1.0
    now[0] = 300.0
    panel._update_countdown()
    assert panel.countdown.value == 0.5
    assert panel.countdown.description == "5:00"


def test_classes(fake_login_factory):
    panel = LoginPanel("p", device_login=fake_login_factory())
    for widget, css in (
        (panel.login_button, "sso-login-button"),
        (panel.user_code, "sso-user-code"),
        (panel.link, "sso-verification-link"),
        (panel.qr, "sso-qr"),
        (panel.status, "sso-login-status"),
        (panel.cancel_button, "sso-cancel"),
    ):
        assert css in widget._dom_classes


def test_on_success_fills_the_picker_without_a_click(fake_login_factory, fake_config):
    import types

    from sso_kit.ui.forms import AccountRolePicker

    fake_config.configure("p", sso_session="s", start_url="https://x/start", sso_region="us-east-1")
    account = types.SimpleNamespace(account_id="111122223333", name="Management")
    picker = AccountRolePicker(
        "p",
        list_accounts=lambda profile: [account],
        list_account_roles=lambda account_id, profile: ["PowerUserAccess"],
        read_profile=fake_config.read_profile,
        configure=fake_config.configure,
    )
    panel = LoginPanel("p", device_login=fake_login_factory(pending_polls=1), tick=0.01)
    picker.follow(panel)
    panel.run_headless(10)
    assert picker.account.value == "111122223333"
    assert picker.role.value == "PowerUserAccess"
    assert not picker.use_button.disabled
