"""The learner's journey, clicked in headless Chromium against a real JupyterLab and sandbox.

Part 1 (local): 03 create buckets → 05 configure (an invalid start URL first) → 06 log in
(open the link in a new tab, enter the code, sign in, allow) → 07 list buckets → 08 log out.
Part 2 (JupyterHub/Binder shape): JupyterLab under ``/user/learner/`` with
``JUPYTERHUB_SERVICE_PREFIX`` set, the sandbox reachable only through jupyter-server-proxy;
05 → 06 again, the sign-in pages served under the Jupyter server's URL, and the launcher entry
``sso-sandbox/`` showing the same sandbox.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from e2e_harness import TIMEOUT, JupyterServer, Steps, open_and_run
from e2e_harness import playwright_expect as _expect

from sso_kit.net import free_port
from sso_kit.sandbox.proxy import PROXY_NAME, sandbox_public_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{2,62}")
USER_CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def sign_in_to_sandbox(page: Any, user: Any, code: str) -> None:
    """The sandbox's own pages: enter (or confirm) the code, sign in; ends on the consent page."""
    expect = _expect()
    code_box = page.locator("input#user_code")
    expect(code_box.or_(page.locator("input#username"))).to_be_visible(timeout=TIMEOUT)
    if code_box.is_visible():
        code_box.fill(code)
        code_box.press("Enter")
    page.locator("input#username").fill(user.name)
    page.locator("input#password").fill(user.password)
    page.locator("input#password").press("Enter")
    expect(page.locator("button#allow")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("body")).to_contain_text(code)


def configure_profile(page: Any, lab: JupyterServer, steps: Steps, sandbox: Any) -> None:
    """05: an invalid start URL is refused, the sandbox's is saved."""
    expect = _expect()
    with steps.step("05 open and run configure profile"):
        panel = open_and_run(page, lab, "05_configure_profile.md", ready=".sso-start-url input")
    url_box = panel.locator(".sso-start-url input")
    with steps.step("05 invalid start URL shows a validation message"):
        url_box.fill("http://not-a-portal.example.com/start")
        expect(panel.locator(".sso-validation")).to_contain_text(
            re.compile(r"https|start URL|awsapps", re.I), timeout=TIMEOUT
        )
        expect(panel.locator("button.sso-save")).to_be_disabled()
    with steps.step("05 valid start URL and region, save"):
        url_box.fill(sandbox.start_url)
        panel.locator(".sso-region select").select_option(sandbox.sso_region)
        expect(panel.locator(".sso-validation")).to_contain_text("Ready to save", timeout=TIMEOUT)
        panel.locator("button.sso-save").click()
        written = panel.locator(".sso-written-section").first
        expect(written).to_contain_text("[sso-session sso-kit]", timeout=TIMEOUT)
        expect(written).to_contain_text(sandbox.start_url)


def log_in(page: Any, lab: JupyterServer, steps: Steps, sandbox: Any, *, link_prefix: str) -> None:
    """06: Log in, follow the link in a new tab, approve, see "Logged in", choose the role."""
    expect = _expect()
    with steps.step("06 open and run login"):
        panel = open_and_run(page, lab, "06_login.md", ready="button.sso-login-button")
    with steps.step("06 click Log in: code, link and QR code appear"):
        panel.locator("button.sso-login-button").click()
        expect(panel.locator(".sso-user-code")).to_contain_text(USER_CODE, timeout=TIMEOUT)
        expect(panel.locator(".sso-qr")).to_be_visible()
        link = panel.locator(".sso-verification-link a")
        expect(link).to_be_visible()
        code = USER_CODE.search(panel.locator(".sso-user-code").inner_text()).group(0)
        href = link.get_attribute("href")
        assert href and href.startswith(link_prefix), f"link {href!r} not under {link_prefix!r}"
    tab = page.context.new_page()
    with steps.step("06 sandbox page in a new tab: code, sign in", page=tab):
        tab.goto(href if "://" in href else lab.origin + href)
        sign_in_to_sandbox(tab, sandbox.default_user, code)
    with steps.step("06 allow access", page=tab):
        tab.locator("button#allow").click()
        expect(tab.locator("[role=status]")).to_contain_text("approved", timeout=TIMEOUT)
    tab.close()
    with steps.step("06 back in JupyterLab the panel says logged in"):
        page.bring_to_front()
        expect(panel.locator(".sso-login-status")).to_contain_text(
            re.compile(r"Logged in"), timeout=30_000
        )
    with steps.step("06 choose account and role"):
        panel.locator("button.sso-load-accounts").click()
        expect(panel.locator("button.sso-use-role")).to_be_enabled(timeout=TIMEOUT)
        panel.locator("button.sso-use-role").click()
        expect(panel.locator(".sso-written-section").first).to_contain_text(
            "sso_role_name", timeout=TIMEOUT
        )


def test_learner_journey_in_the_browser(browser, start_jupyter, tmp_path):
    from sso_kit.sandbox import Sandbox

    expect = _expect()
    started = time.monotonic()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    # ---- part 1: locally, the browser reaches the sandbox directly ---------------------------
    with Sandbox(host="127.0.0.1", port=0, auto_approve=False) as sandbox:
        lab = start_jupyter("local", sandbox)
        steps = Steps(page, "local")

        with steps.step("03 create the tutorial buckets"):
            panel = open_and_run(page, lab, "03_create_buckets.md")
            panel.locator("button.sso-create-buckets").click()
            created = panel.locator(".widget-vbox:has(> button.sso-create-buckets) pre")
            expect(created).to_contain_text(re.compile(r"\S"), timeout=TIMEOUT)
            # names of the buckets made now; a sandbox without admin credentials defers them
            # to step 07 (the notebook says so), which must then show at least one bucket
            words = created.inner_text().split()
            bucket_names = words if all(re.fullmatch(BUCKET_NAME, w) for w in words) else []

        configure_profile(page, lab, steps, sandbox)
        log_in(page, lab, steps, sandbox, link_prefix=sandbox.public_url)

        with steps.step("07 the bucket table shows the buckets"):
            panel = open_and_run(page, lab, "07_s3_commands.md")
            panel.locator("button.sso-list-buckets").click()
            table = panel.locator(".sso-bucket-table")
            expect(table.locator("td code").first).to_be_visible(timeout=TIMEOUT)
            for name in bucket_names:
                expect(table).to_contain_text(name, timeout=TIMEOUT)

        with steps.step("08 log out lists the removed cache files"):
            panel = open_and_run(page, lab, "08_logout.md")
            panel.locator("button.sso-logout-button").click()
            summary = panel.locator(".sso-logout-summary")
            expect(summary).to_contain_text(re.compile(r"\.json"), timeout=TIMEOUT)
            from sso_kit.cache import token_cache_path

            token = token_cache_path("sso-kit")
            expect(summary).to_contain_text(token.name)
            assert not token.exists(), f"logout left the token cache {token}"
        lab.stop()

    # ---- part 2: JupyterHub/Binder shape, sandbox pages only through the proxy --------------
    home2 = tmp_path / "home-hub"
    (home2 / ".aws").mkdir(parents=True)
    hub_env = {
        "HOME": str(home2),
        "AWS_CONFIG_FILE": str(home2 / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home2 / ".aws" / "credentials"),
        "JUPYTERHUB_SERVICE_PREFIX": "/user/learner/",
    }
    port = free_port()
    public = sandbox_public_url(port, hub_env)
    assert public == f"/user/learner/proxy/{port}/"
    with Sandbox(host="127.0.0.1", port=port, public_url=public, auto_approve=False) as sandbox:
        lab = start_jupyter("hub", sandbox, hub_env, base_url="/user/learner/")
        steps = Steps(page, "proxy")
        configure_profile(page, lab, steps, sandbox)
        log_in(page, lab, steps, sandbox, link_prefix=public)
        with steps.step("launcher entry shows the same sandbox under the server URL"):
            page.goto(lab.url(f"{PROXY_NAME}/"))
            expect(page.locator("body")).to_contain_text(sandbox.start_url, timeout=TIMEOUT)
        lab.stop()

    context.close()
    print(f"\ne2e learner journey: {time.monotonic() - started:.1f} s")
