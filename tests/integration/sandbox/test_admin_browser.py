"""The admin API against a real browser: what a hostile page can make Chromium send.

Headless Debian Chromium, driven by Playwright, visits an "attacker" page on another
loopback port. The page tries what the reported attack did: a no-cors ``fetch`` and an
auto-submitted ``text/plain`` form to ``/_sandbox/admin/invite``, a CORS fetch with a JSON
body, and, through ``--host-resolver-rules`` (which maps ``rebind.test`` to 127.0.0.1 as a
DNS-rebinding attacker would), same-origin calls under a foreign ``Host``. Every attempt
reaches the sandbox and is refused; the learner's password and the faults stay untouched.
The instructor's login page, by contrast, works in the same browser.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sso_kit.sandbox import Sandbox
from sso_kit.sandbox.admin.auth import COOKIE

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

REBIND = "--host-resolver-rules=MAP rebind.test 127.0.0.1"  # rebind.test -> loopback
ATTACK = '{"user":"learner","password":"attacker-pass-123"}'

ATTACKER_PAGE = """<!doctype html><html><body>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="post" enctype="text/plain" target="sink" action="%(target)s/_sandbox/admin/invite">
<input name='{"user":"learner","password":"attacker-pass-123","x":"' value='"}'>
</form>
<script>
window.attack = async function () {
  const target = "%(target)s";
  const out = {};
  await fetch(target + "/_sandbox/admin/invite", {method: "POST", mode: "no-cors",
    credentials: "include", headers: {"Content-Type": "text/plain"}, body: '%(attack)s'});
  out.nocors = "sent";
  try {
    const r = await fetch(target + "/_sandbox/admin/admin_credentials", {method: "POST",
      credentials: "include", headers: {"Content-Type": "application/json"}, body: "{}"});
    out.cors = "readable " + r.status;
  } catch (e) { out.cors = "blocked"; }
  document.getElementById("f").submit();
  out.form = "submitted";
  return out;
};
</script></body></html>"""


class Recorder:
    """Wraps the app's admin entry to see which admin requests arrived and what they got."""

    def __init__(self, app: Any) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self._admin = app.admin
        app.admin = self

    def __call__(self, request: Any, path: str) -> Any:
        response = self._admin(request, path)
        self.calls.append((request.method, path, response.status_code))
        return response


@pytest.fixture
def browser(launch_chromium: Any) -> Any:
    return launch_chromium(REBIND)


@pytest.fixture
def target() -> Iterator[tuple[Sandbox, Recorder]]:
    with Sandbox(host="127.0.0.1", port=0) as sb:
        yield sb, Recorder(sb.app)


@pytest.fixture
def attacker_site(target) -> Iterator[str]:
    sb, _ = target
    page = (ATTACKER_PAGE % {"target": sb.url, "attack": ATTACK}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def wait_for_invites(recorder: Recorder, count: int, since: int = 0) -> list[int]:
    """The statuses of the admin invite calls seen so far, once ``count`` arrived (<= 30 s)."""
    import time

    deadline = time.monotonic() + 30
    while True:
        statuses = [s for _, p, s in recorder.calls[since:] if p.endswith("/invite")]
        if len(statuses) >= count or time.monotonic() > deadline:
            return statuses
        time.sleep(0.1)


def untouched(sb: Sandbox, password: str) -> None:
    assert sb.users["learner"].password == password
    assert sb.app.directory.authenticate("learner", password)
    assert not sb.app.directory.authenticate("learner", "attacker-pass-123")
    assert sb.app.oidc.faults.operations == {}


def test_a_hostile_page_cannot_use_the_admin_api(browser, target, attacker_site):
    sb, recorder = target
    password = sb.users["learner"].password
    page = browser.new_page()
    page.goto(attacker_site)
    result = page.evaluate("window.attack()")
    assert result["cors"] == "blocked"  # the browser never lets the page read an answer
    invites = wait_for_invites(recorder, 2)  # the no-cors fetch and the form post arrived
    assert len(invites) == 2 and all(status in (401, 403, 415) for status in invites)
    assert all(status >= 400 for _, _, status in recorder.calls)
    untouched(sb, password)


def test_a_dns_rebinding_page_is_refused_by_its_host_even_with_the_secret(browser, target):
    """rebind.test resolves to 127.0.0.1: its scripts are same-origin with the sandbox."""
    sb, recorder = target
    page = browser.new_page()
    page.goto(f"http://rebind.test:{sb.port}/")
    assert "IAM Identity Center sandbox" in page.content()  # served by the sandbox itself
    script = """async (secret) => {
      const out = [];
      for (const headers of [{"Content-Type": "application/json"},
                             {"Content-Type": "application/json", "X-SSO-Kit-Admin-Secret": secret}]) {
        const r = await fetch("/_sandbox/admin/admin_credentials",
                              {method: "POST", headers, body: "{}"});
        out.push([r.status, await r.text()]);
      }
      return out;
    }"""
    answers = page.evaluate(script, sb.admin_key)
    assert [status for status, _ in answers] == [403, 403]
    for _, text in answers:
        assert "is not this sandbox" in text and "aws_secret_access_key" not in text
    assert [status for _, _, status in recorder.calls] == [403, 403]


def test_the_instructor_logs_in_and_the_cookie_does_not_help_other_sites(
    browser, target, attacker_site
):
    sb, recorder = target
    password = sb.users["learner"].password
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{sb.url}/_sandbox/login")
    page.fill("input[name=secret]", "a-wrong-secret-for-sure")
    page.click("button")
    assert "not the sandbox's admin secret" in page.content()
    page.fill("input[name=secret]", sb.admin_key)
    page.click("button")
    page.wait_for_url("**/_sandbox/admin/whoami")
    assert '"admin": true' in page.content()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies[COOKIE]["httpOnly"] and cookies[COOKIE]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # HttpOnly: scripts cannot read it
    # A page of the sandbox's own origin may use the API with the cookie and a JSON body.
    status = page.evaluate(
        """async () => (await fetch("set_fault", {method: "POST",
             headers: {"Content-Type": "application/json"},
             body: JSON.stringify({operation: "CreateToken", kind: "slow_down", count: 1})})).status"""
    )
    assert status == 200 and sb.app.oidc.faults.operations
    sb.reset_faults()
    # The same browser, now holding the cookie, visits the hostile page: still refused.
    before = len(recorder.calls)
    attack = context.new_page()
    attack.goto(attacker_site)
    attack.evaluate("window.attack()")
    invites = wait_for_invites(recorder, 2, since=before)
    assert len(invites) == 2 and all(status in (403, 415) for status in invites)
    assert all(status in (403, 415) for _, _, status in recorder.calls[before:])
    untouched(sb, password)
    context.close()
