"""Step 06 done in a JupyterLab terminal, in headless Chromium: the real CLI v2 against the sandbox.

The terminal is what ``sso-kit lab`` gives a learner (``sso-kit env --shell``): the kit's CLI v2
and ``sso-kit`` first on PATH and ``AWS_ENDPOINT_URL`` at the sandbox, so the learner types the
tutorial's command with no endpoint flag. The code it prints is approved in a second tab on the
sandbox's sign-in pages; the terminal then says the login succeeded and ``sso-kit status``
agrees. Back in step 06's notebook, **Check my work** reads the token the CLI wrote and goes
green, and the result is recorded for the workshop views.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import JupyterServer, Steps, copy_notebooks
from test_e2e_learner_journey import TIMEOUT, USER_CODE, open_and_run, sign_in_to_sandbox

from sso_kit.course.awscli import ensure_installed
from sso_kit.course.lab import lab_environment, terminal_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WHEEL = ROOT.parent / "shared" / "wheels" / "awscli-2.36.7-py3-none-any.whl"
CACHE = ROOT / ".venv" / "awscli-v2"  # the same cache the CLI v2 integration tests use
PROFILE = "sso-kit-tutorial"


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def start_lab_with_terminals(tmp_path: Path, sandbox: Any) -> JupyterServer:
    """JupyterLab as ``sso-kit lab`` starts it, terminals included, readable by the test."""
    state = tmp_path / "jupyter-terminal"
    state.mkdir()
    terminal_config(state / "jupyter_config_dir")  # the server's JUPYTER_CONFIG_DIR
    renderer = (
        state / "settings" / "@jupyterlab" / "terminal-extension" / "plugin.jupyterlab-settings"
    )
    renderer.parent.mkdir(parents=True)
    # xterm draws on a canvas; its screen-reader mode keeps the text in the DOM as well
    renderer.write_text(json.dumps({"screenReaderMode": True}))
    env = lab_environment(
        sandbox, {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    )
    env["BROWSER"] = "true"  # the CLI's own browser launch would open nothing useful here
    return JupyterServer(root=copy_notebooks(state / "notebooks"), state_dir=state, env=env).start()


def terminal_text(page: Any) -> str:
    # the accessibility tree spells spaces as no-break spaces
    return page.locator(".jp-Terminal .xterm-accessibility-tree").inner_text().replace("\xa0", " ")


def type_in_terminal(page: Any, command: str) -> None:
    page.locator(".jp-Terminal .xterm-screen").click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def wait_for_text(page: Any, pattern: str | re.Pattern[str]) -> re.Match[str]:
    """Poll the terminal until ``pattern`` shows; return the match."""
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
    _expect()(page.locator(".jp-Terminal .xterm-accessibility-tree")).to_contain_text(
        compiled, timeout=TIMEOUT
    )
    match = compiled.search(terminal_text(page))
    assert match is not None
    return match


def test_login_typed_into_a_jupyterlab_terminal(browser, tmp_path, isolated_aws_home):
    from sso_kit.config import configure_profile
    from sso_kit.course.checks import load_results
    from sso_kit.sandbox import Sandbox
    from sso_kit.status import status

    if not (CACHE / "bin" / "aws").exists() and not WHEEL.is_file():
        pytest.fail(f"CLI v2 wheel missing at {WHEEL}: this test needs it (see its README).")
    # `sso-kit awscli install --from WHEEL`, reusing the test cache: links ~/.sso-kit/bin/aws
    from filelock import FileLock

    with FileLock(f"{CACHE}.lock"):  # the integration tests may be installing it right now
        ensure_installed(WHEEL, target=CACHE, progress=lambda _l: None)
    # the profile as `aws configure sso` writes it: no endpoint_url (the terminal routes)
    configure_profile(
        PROFILE,
        sso_session="sso-kit",
        start_url="https://my-sso-portal.awsapps.com/start",
        sso_region="us-east-1",
        account_id="111122223333",
        role_name="PowerUserAccess",
        region="us-east-1",
    )

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    with Sandbox(host="127.0.0.1", port=0, auto_approve=False) as sandbox:
        lab = start_lab_with_terminals(tmp_path, sandbox)
        steps = Steps(page, "terminal")
        try:
            with steps.step("open a terminal: CLI v2 and the sandbox are set up"):
                page.goto(lab.url("lab"))
                tile = page.locator(".jp-LauncherCard", has_text=re.compile(r"^\s*Terminal\s*$"))
                tile.first.click(timeout=TIMEOUT)  # the launcher's Terminal, as a learner opens one
                _expect()(page.locator(".jp-Terminal .xterm-accessibility-tree")).to_be_attached(
                    timeout=TIMEOUT
                )
                type_in_terminal(page, "aws --version; echo endpoint=$AWS_ENDPOINT_URL")
                wait_for_text(page, r"aws-cli/2\.\d+\.\d+")
                wait_for_text(page, re.escape(f"endpoint={sandbox.url}"))

            with steps.step("type aws sso login --use-device-code"):
                type_in_terminal(page, f"aws sso login --use-device-code --profile {PROFILE}")
                url = wait_for_text(page, r"http://127\.0\.0\.1:\d+/device\S*").group(0)
                code = wait_for_text(page, USER_CODE).group(0)

            with steps.step("approve in a new tab on the sandbox's sign-in pages"):
                tab = context.new_page()
                tab.goto(url)
                sign_in_to_sandbox(tab, sandbox.default_user, code)
                tab.locator("button#allow").click()
                _expect()(tab.locator("body")).to_contain_text("Request approved", timeout=TIMEOUT)
                tab.close()

            with steps.step("the terminal says the login succeeded"):
                wait_for_text(page, r"Successfully logged into Start URL")

            with steps.step("sso-kit status in the same terminal agrees"):
                type_in_terminal(page, f"sso-kit status --profile {PROFILE}")
                wait_for_text(page, re.compile(r"logged in", re.I))
            assert status(PROFILE).logged_in

            with steps.step("06 notebook: Check my work goes green for the terminal's login"):
                panel = open_and_run(page, lab, "06_login.md")
                button = panel.locator("button.sso-check")
                button.scroll_into_view_if_needed()
                button.click()
                outcome = panel.locator(".sso-check-outcome")
                _expect()(outcome).to_contain_text("✓ Step 06 is done.", timeout=TIMEOUT)
                outcome.scroll_into_view_if_needed()
                _expect()(panel.locator(".sso-show-solution")).to_be_hidden()
            latest = [r for r in load_results() if r["step"] == "06"][-1]
            assert latest["ok"] is True and latest["path"] == "notebook", latest
        finally:
            lab.stop()
    context.close()
