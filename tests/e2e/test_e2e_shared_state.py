"""One session state under the widgets, seen in headless Chromium: every view follows a change
made in another widget, with no Refresh and no "Load my accounts" click.

Real JupyterLab, real kernels, the real sandbox (auto-approving, so a click on Log in completes
without the sign-in pages, which the learner-journey test clicks through):

- 06: after Log in, the account picker fills by itself and the badge below says "Logged in";
- 08: after Log out, the badge below the logout panel says logged out;
- 09: after Clean up now, the login panel above stops saying "Logged in".
"""

from __future__ import annotations

import re

import pytest
from e2e_harness import TIMEOUT, Steps, open_and_run
from e2e_harness import playwright_expect as _expect

from sso_kit import configure_profile

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOGGED_IN = re.compile(r"Logged in")
LOGGED_OUT = re.compile(r"Logged out|Not logged in|not logged in")


def test_widgets_follow_the_shared_session_state_without_clicks(browser, start_jupyter):
    from sso_kit.sandbox import Sandbox

    expect = _expect()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    with Sandbox(host="127.0.0.1", port=0, auto_approve=True) as sandbox:
        configure_profile(  # step 05 (clicked in the learner-journey test)
            "sso-kit-tutorial",
            sso_session="sso-kit",
            start_url=sandbox.start_url,
            sso_region=sandbox.sso_region,
            region=sandbox.sso_region,
            endpoint_url=sandbox.url,
        )
        lab = start_jupyter("state", sandbox)
        steps = Steps(page, "state")

        with steps.step("06 log in: the picker fills and the badge follows, unclicked"):
            panel = open_and_run(page, lab, "06_login.md")
            badge = panel.locator(".sso-status-badge")
            expect(badge).to_contain_text(LOGGED_OUT, timeout=TIMEOUT)
            expect(panel.locator("button.sso-use-role")).to_be_disabled()
            panel.locator("button.sso-login-button").click()
            expect(panel.locator(".sso-login-status")).to_contain_text(LOGGED_IN, timeout=TIMEOUT)
            expect(badge).to_contain_text(LOGGED_IN, timeout=TIMEOUT)
            # filled by the login alone: "Load my accounts" is never clicked
            expect(panel.locator("button.sso-use-role")).to_be_enabled(timeout=TIMEOUT)
            expect(panel.locator(".sso-account select")).to_contain_text(
                "111122223333", timeout=TIMEOUT
            )
            panel.locator("button.sso-use-role").click()
            expect(panel.locator(".sso-written-section").first).to_contain_text(
                "sso_role_name", timeout=TIMEOUT
            )

        with steps.step("08 log out: the badge below says logged out, unclicked"):
            panel = open_and_run(page, lab, "08_logout.md")
            badge = panel.locator(".sso-status-badge")
            expect(badge).to_contain_text(LOGGED_IN, timeout=TIMEOUT)
            panel.locator("button.sso-logout-button").click()
            expect(panel.locator(".sso-logout-summary")).to_contain_text(
                re.compile(r"\.json"), timeout=TIMEOUT
            )
            expect(badge).to_contain_text(LOGGED_OUT, timeout=TIMEOUT)
            expect(badge).not_to_contain_text(LOGGED_IN)

        with steps.step("09 clean up: the login panel above stops saying logged in"):
            panel = open_and_run(page, lab, "09_clean_up.md")
            login_status = panel.locator(".sso-login-status")
            panel.locator("button.sso-login-button").click()
            expect(login_status).to_contain_text(LOGGED_IN, timeout=TIMEOUT)
            expect(panel.locator(".sso-status-badge")).to_contain_text(LOGGED_IN, timeout=TIMEOUT)
            panel.locator("button.sso-clean-up").click()
            expect(login_status).to_contain_text(LOGGED_OUT, timeout=TIMEOUT)
            expect(login_status).not_to_contain_text(LOGGED_IN)
            expect(panel.locator(".sso-status-badge")).not_to_contain_text(LOGGED_IN)
        lab.stop()
