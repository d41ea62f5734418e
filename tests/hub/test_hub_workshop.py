"""The multi-user shape, for real: JupyterHub + the workshop sandbox as its managed service.

* A learner signs in to the hub in Chromium, approves the device code of a login started in
  their own server, through the hub's proxy URL; the instructor, signed in to the hub, opens
  the dashboard (hub OAuth) and sees that learner's step change. Learners are refused.
* Each of the 3 learners' servers runs steps 05-07 against the hub-managed sandbox (the
  papermill batch, `sso-kit workshop check`, in the server's own terminal and environment);
  the dashboard then shows all three.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

# One hub for the module: `make test` distributes by group, so both tests share a worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

LEARNERS = ("learner01", "learner02", "learner03")
# the terminal's login shell resets PATH (putting the kit on it is the lab's business)
SSO_KIT = Path(sys.executable).parent / "sso-kit"


class Terminal:
    """A terminal of a learner's Jupyter server, driven over its websocket (terminado)."""

    def __init__(self, hub, user: str) -> None:
        self.hub, self.user = hub, user
        request = urllib.request.Request(
            f"{hub.url}/user/{user}/api/terminals",
            data=b"{}",
            method="POST",
            headers={"Authorization": f"token {hub.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            self.name = json.loads(response.read())["name"]
        self.output = ""

    def _request(self, path: str):
        from tornado.httpclient import HTTPRequest

        url = (self.hub.url + path).replace("http://", "ws://")
        return HTTPRequest(url, headers={"Authorization": f"token {self.hub.token}"})

    def run(self, command: str, until: str, timeout: float = 600) -> str:
        """Type ``command`` and read the output until ``until`` (a regex) appears."""
        from tornado.websocket import websocket_connect

        async def session() -> str:
            ws = await websocket_connect(
                self._request(f"/user/{self.user}/terminals/websocket/{self.name}")
            )
            await ws.write_message(json.dumps(["stdin", command + "\r"]))
            deadline = time.monotonic() + timeout
            seen = ""
            while time.monotonic() < deadline:
                message = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
                if message is None:
                    break
                kind, *data = json.loads(message)
                if kind == "stdout":
                    seen += data[0]
                    if re.search(until, seen.replace("\r", "")):
                        ws.close()
                        return seen
            ws.close()
            raise AssertionError(f"{until!r} never appeared; the terminal said:\n{seen[-3000:]}")

        # in a thread of its own: Playwright's sync API keeps an event loop in this one
        result: dict[str, object] = {}

        def worker() -> None:
            try:
                result["out"] = asyncio.run(session())
            except BaseException as exc:
                result["error"] = exc

        thread = threading.Thread(target=worker, daemon=True)
        thread.start()
        thread.join(timeout + 60)
        if "error" in result:
            raise result["error"]  # type: ignore[misc]
        self.output = str(result["out"])
        return self.output


def hub_login(browser, hub, user: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", "any")  # DummyAuthenticator
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/(hub|user)/.*"))
    return page


def open_dashboard(page, hub):
    page.goto(f"{hub.url}/services/sso-sandbox/_workshop/")
    page.click(".ws-hub-login")  # hub OAuth, no secret typed


def test_learner_approves_through_the_hub_and_the_instructor_sees_the_step(hub, browser):
    from playwright.sync_api import expect

    hub.start_server("learner01")
    instructor = hub_login(browser, hub, "instructor")
    open_dashboard(instructor, hub)
    logged_in = instructor.locator(
        'tr.ws-row[data-learner="learner01"] td.ws-step[data-step="logged_in"]'
    )
    expect(logged_in).to_have_attribute("data-done", "false", timeout=60_000)

    terminal = Terminal(hub, "learner01")
    info = hub.workshop()
    health = urllib.request.urlopen(f"{hub.url}/services/sso-sandbox/_sandbox/health")
    start_url = json.loads(health.read())["start_url"]
    terminal.run(
        f"{SSO_KIT} configure --profile hub --sso-session hub "
        f"--start-url {start_url} --sso-region us-east-1 "
        f"--account-id {info['accounts']['learner01']} --role-name PowerUserAccess "
        '--region us-east-1 --endpoint-url "$SSO_KIT_WORKSHOP_URL" && '
        f"{SSO_KIT} login --profile hub --no-browser; echo LOGIN-EXIT=$?",
        until=r"user_code=[A-Z0-9-]+|LOGIN-EXIT=\d+",
        timeout=300,
    )
    link = re.search(r"(http://\S+/services/sso-sandbox/device\?user_code=[A-Z0-9-]+)", terminal.output)
    assert link, terminal.output  # the verification link goes through the hub's proxy

    learner = hub_login(browser, hub, "learner01")
    learner.goto(link.group(1))
    learner.click("button[type=submit]")  # the code is filled in
    learner.fill("input[name=username]", "learner01")
    learner.fill("input[name=password]", hub.password("learner01"))
    learner.click("button[type=submit]")
    learner.click("button[value=allow]")
    expect(learner.locator("body")).to_contain_text("Request approved")
    terminal.run("", until=r"LOGIN-EXIT=0")
    # the step's check, as the learner runs it in their terminal, goes green
    checked = terminal.run(
        f"{SSO_KIT} check 06 --profile hub --sso-session hub --start-url {start_url} "
        "--sso-region us-east-1; echo CHECK-EXIT=$?",
        until=r"CHECK-EXIT=\d+",
        timeout=300,
    )
    assert "CHECK-EXIT=0" in checked and "✓" in checked, checked[-2000:]

    expect(logged_in).to_have_attribute("data-done", "true", timeout=60_000)  # live

    # a learner signed in to the same hub: the hub itself refuses them the service's OAuth
    # (no access:services scope); the dashboard would refuse a non-instructor too
    open_dashboard(learner, hub)
    expect(learner.locator("body")).to_contain_text("permission to access JupyterHub service")
    assert learner.locator(".ws-table").count() == 0


def test_three_learners_run_steps_05_to_07_in_their_servers(hub):
    from concurrent.futures import ThreadPoolExecutor

    def check(user: str) -> str:
        return Terminal(hub, user).run(
            f"{SSO_KIT} workshop check --url \"$SSO_KIT_WORKSHOP_URL\" --learner \"$SSO_KIT_LEARNER\" "
            f"--password '{hub.password(user)}' --notebooks 05 06 07 "
            "--output-dir ~/preflight; echo CHECK-EXIT=$?",
            until=r"CHECK-EXIT=\d+",
            timeout=900,
        )

    # as in a room: the servers start, and the learners work, at the same time
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        list(pool.map(hub.start_server, LEARNERS))
        outputs = dict(zip(LEARNERS, pool.map(check, LEARNERS), strict=True))
    for user, out in outputs.items():
        assert "CHECK-EXIT=0" in out, out[-3000:]
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r", "")  # a TTY: colours
        for step in ("05_configure_profile", "06_login", "07_s3_commands"):
            assert re.search(step + r"\s+✓ green", plain), plain[-3000:]
        assert f"every step passed as {user}" in plain
    request = urllib.request.Request(
        f"{hub.url}/services/sso-sandbox/_workshop/api/progress",
        headers={"Authorization": f"Bearer {hub.workshop()['secret']}"},
    )
    rows = {r["learner"]: r for r in json.loads(urllib.request.urlopen(request).read())["learners"]}
    for user in LEARNERS:
        assert rows[user]["steps"]["logged_in"] and rows[user]["steps"]["listed_buckets"], rows[user]
        assert not rows[user]["errors"], rows[user]
