"""The interactive path: the step widgets clicked in order against a real (non-auto) sandbox.

This is what a learner does in JupyterLab, minus the browser: every action goes through a
widget's ``.click()`` (so through the same error guards), and the approval goes through the
sandbox's sign-in path with the default user, as the web form would.
"""

from __future__ import annotations

import pytest

from sso_kit.config import config_path, read_profile
from sso_kit.ui import AccountRolePicker, BucketTable, LoginPanel, LogoutPanel, ProfileForm
from sso_kit.course import remember_original_config, restore_original_config, setup

pytestmark = pytest.mark.integration

ORIGINAL = b"[default]\nregion = eu-west-1\n"


@pytest.fixture
def sandbox(monkeypatch, isolated_aws_home):
    import botocore.credentials
    import botocore.tokens

    from sso_kit.sandbox import Sandbox

    # botocore fixes its SSO token folder from HOME when it is first imported; this process
    # changes HOME per test, so point it at this test's HOME (a kernel never changes HOME).
    token_dir = str(isolated_aws_home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", token_dir)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", token_dir)

    with Sandbox(host="127.0.0.1", port=0, auto_approve=False) as sb:
        monkeypatch.setenv("SSO_KIT_SANDBOX_URL", sb.url)
        monkeypatch.setenv("SSO_KIT_SANDBOX_ADMIN_KEY", sb.admin_key)
        monkeypatch.delenv("SSO_KIT_HEADLESS", raising=False)
        yield sb


def _approve_when_pending(panel: LoginPanel, sandbox) -> None:
    panel.login_button.click()
    assert panel.status.kind != "error", panel.status.text
    assert panel.running, "the panel must poll in the background, not block the click"
    sandbox.approve(panel.pending.user_code)
    panel.wait(60)


def test_learner_clicks_through_steps_05_to_09(sandbox):
    config_path().write_bytes(ORIGINAL)
    kit = setup()
    assert kit.interactive and kit.endpoint_url == sandbox.url

    # 05: type, watch validation, save
    remember_original_config()
    form = ProfileForm(sso_session=kit.sso_session, profile=kit.profile,
                       endpoint_url=kit.endpoint_url)  # fmt: skip
    form.start_url.value = "http://my-sso-portal.awsapps.com/start"
    assert form.save_button.disabled and "https" in form.validation.value
    form.start_url.value = kit.start_url
    form.sso_region.value = kit.sso_region
    assert not form.save_button.disabled
    form.save_button.click()
    assert form.status.kind == "ok", form.status.text
    assert f"[profile {kit.profile}]" in form.written.value

    # 06: log in (approved like the web form would), the picker fills itself, choose a role
    panel = LoginPanel(profile=kit.profile)
    picker = AccountRolePicker(kit.profile)
    picker.follow(panel)
    _approve_when_pending(panel, sandbox)
    assert "Logged in" in panel.status.text
    assert picker.account.value == "111122223333", picker.status.text
    assert picker.role.value == "PowerUserAccess"
    picker.use_button.click()
    assert picker.status.kind == "ok", picker.status.text
    assert read_profile(kit.profile)["sso_role_name"] == "PowerUserAccess"

    # 07: list buckets through botocore's own SSO credential provider
    from sso_kit.buckets import create_tutorial_bucket

    made = create_tutorial_bucket(kit.profile)
    table = BucketTable(kit.profile)
    table.refresh_button.click()
    assert table.status.kind == "ok", table.status.text
    assert made in table.table.value

    # 08: log out; the table now says what to do instead of failing silently
    logout = LogoutPanel(kit.sso_session)
    logout.logout_button.click()
    assert logout.status.kind == "ok", logout.status.text
    assert "Removed 1 token cache file(s)" in logout.summary.value
    table.refresh_button.click()
    assert table.status.kind == "error"

    # 09: log in again, clean up, config back byte for byte
    from sso_kit.ui import ActionPanel
    from sso_kit.course import clean_up, config_restored

    _approve_when_pending(LoginPanel(profile=kit.profile), sandbox)
    cleanup = ActionPanel("Clean up now", lambda: clean_up(kit))
    cleanup.button.click()
    assert cleanup.status.kind == "ok", cleanup.status.text
    assert made in cleanup.output.value
    assert config_path().read_bytes() == ORIGINAL
    assert config_restored()[0]
    assert "Already restored" in restore_original_config()  # a second run changes nothing


def test_cancel_and_deny_are_reported_in_the_panel(sandbox):
    kit = setup()
    ProfileForm(start_url=kit.start_url, sso_region=kit.sso_region, profile=kit.profile,
                sso_session=kit.sso_session, endpoint_url=kit.endpoint_url).save()  # fmt: skip
    panel = LoginPanel(profile=kit.profile)
    panel.login_button.click()
    panel.cancel_button.click()
    with pytest.raises(Exception, match=r"(?i)cancel"):
        panel.wait(30)
    assert panel.status.kind == "error" and not panel.login_button.disabled

    panel.login_button.click()
    sandbox.deny(panel.pending.user_code)
    with pytest.raises(Exception):  # noqa: B017 - the kind is checked through the message
        panel.wait(60)
    assert panel.status.kind == "error"
    assert "denied" in panel.status.text.lower() or "deny" in panel.status.text.lower()


def _until(condition, what: str, limit: float = 30.0) -> None:
    """Wait for a change made on another thread or process (bounded; not a speed check)."""
    import time

    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_widgets_follow_one_session_state_with_no_click(sandbox):
    """Badge, login panel and picker made before a login or logout follow it by themselves,
    also when the login happens in another process (a terminal's `sso-kit login`)."""
    import subprocess
    import sys

    from sso_kit.ui import StatusBadge

    config_path().write_bytes(ORIGINAL)
    kit = setup()
    ProfileForm(start_url=kit.start_url, sso_region=kit.sso_region, profile=kit.profile,
                sso_session=kit.sso_session, endpoint_url=kit.endpoint_url).save()  # fmt: skip
    badge = StatusBadge(kit.profile)
    panel = LoginPanel(profile=kit.profile)
    picker = AccountRolePicker(kit.profile)  # no follow(): the session state drives it
    assert "Not logged in" in badge.badge.text and not picker.account.options

    _approve_when_pending(panel, sandbox)
    assert badge.badge.kind == "ok" and "Logged in" in badge.badge.text, badge.badge.text
    assert picker.account.value == "111122223333", picker.status.text

    LogoutPanel(kit.sso_session).logout()
    assert badge.badge.kind == "warn" and "Logged out" in badge.badge.text, badge.badge.text
    assert "Logged out" in panel.status.text, panel.status.text

    # a login outside this process: only the token cache file changes
    code = (
        "import sys\nfrom sso_kit import login\n"
        f"login({kit.profile!r}, on_pending=lambda p: print(p.user_code, flush=True))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        sandbox.approve(proc.stdout.readline().strip())
        assert proc.wait(60) == 0
    finally:
        proc.kill()
    _until(lambda: "Logged in" in badge.badge.text, f"badge still says {badge.badge.text!r}")
    _until(lambda: "Logged in" in panel.status.text, f"panel says {panel.status.text!r}")
