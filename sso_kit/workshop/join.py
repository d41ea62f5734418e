"""The learner's side: join a shared workshop sandbox instead of starting a local one.

Notebook 00 calls :func:`join` with its ``workshop_url`` and ``learner`` parameters (or the
``SSO_KIT_WORKSHOP_URL`` / ``SSO_KIT_LEARNER`` variables a hub sets for everyone). Joining
writes the kit's sandbox state file (``~/.sso-kit/sandbox.json``) pointing at the shared
sandbox, so every later notebook finds it the way it finds a local one: nothing else changes.
The state file holds no admin key: a learner cannot steer the shared sandbox.

Step checks the learner passed are reported to the dashboard with the learner's own SSO
access token (:func:`report_checks`), so nothing but a login is needed to be counted.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError
from sso_kit.workshop import ENV_LEARNER, ENV_URL

__all__ = [
    "Joined",
    "join",
    "join_from_environment",
    "report_checks",
    "sign_in_and_approve",
    "start_reporter",
]

LEARNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Joined:
    """Where the shared sandbox is and who this learner is (no secret in here)."""

    url: str
    public_url: str
    learner: str
    start_url: str
    sso_region: str
    state_file: Path

    def describe(self) -> str:
        return (
            f"Joined the workshop sandbox at {self.url} as {self.learner}.\n"
            f"Sign-in page: {self.public_url}/device (user {self.learner}, the password on "
            "your card)."
        )


def _health(url: str, timeout: float = 15.0) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, ValueError) as err:
        raise SandboxError(
            f"The workshop sandbox at {url} does not answer ({type(err).__name__}).",
            hint="Check the workshop URL with your instructor, or that the hub service runs.",
        ) from None
    if data.get("service") != "sso-kit-sandbox":
        raise SandboxError(
            f"{url} does not answer like an sso-kit sandbox.",
            hint="Check the workshop URL with your instructor.",
        )
    return dict(data)


def join(workshop_url: str, learner: str, *, state_file: Path | None = None) -> Joined:
    """Point this learner's kit at the shared sandbox (writes the sandbox state file)."""
    from sso_kit.sandbox import state_file_path
    from sso_kit.sandbox.persistence import write_json_private

    url = (workshop_url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SandboxError(
            f"The workshop URL {url!r} is not an http(s) URL.",
            hint="Use the URL your instructor gave, e.g. http://127.0.0.1:8765.",
        )
    if not LEARNER_NAME.match(learner or ""):
        raise SandboxError(
            f"The learner name {learner!r} is not a workshop user name.",
            hint="Use the user name on your card, e.g. learner07.",
        )
    info = _health(url)
    public = str(info.get("public_url") or url).rstrip("/")
    target = state_file or state_file_path()
    write_json_private(
        target,
        {
            "url": url,
            "public_url": public,
            "pid": 0,
            "start_url": info["start_url"],
            "sso_region": info["sso_region"],
            "admin_key": "",
            "default_user": None,
            "workshop": {"learner": learner},
            "users": [],
        },
    )
    return Joined(url, public, learner, info["start_url"], info["sso_region"], target)


def join_from_environment(
    workshop_url: str = "", learner: str = "", *, start_reporting: bool = True
) -> Joined | None:
    """Join when a workshop URL is given (parameter, else ``SSO_KIT_WORKSHOP_URL``); else None."""
    url = workshop_url or os.environ.get(ENV_URL, "")
    if not url:
        return None
    name = learner or os.environ.get(ENV_LEARNER, "")
    joined = join(url, name)
    if start_reporting:
        start_reporter(joined.url)
    return joined


# -- step checks --------------------------------------------------------------------------------
def read_checks() -> dict[str, dict[str, Any]]:
    """``{step: {"ok": bool}}``: the latest result per step that "Check my work" recorded."""
    from sso_kit.course.checks import load_results

    latest: dict[str, dict[str, Any]] = {}
    for result in load_results():  # oldest first: a later check of a step wins
        if isinstance(result, dict) and result.get("step"):
            latest[str(result["step"])] = {"ok": bool(result.get("ok"))}
    return latest


def _access_token(sso_session: str) -> str | None:
    from sso_kit.cache import load_token

    try:
        token = load_token(sso_session)
    except Exception:  # a corrupt cache is the login step's business, not the reporter's
        return None
    return getattr(token, "access_token", None) if token is not None else None


def report_checks(
    url: str,
    checks: dict[str, dict[str, Any]] | None = None,
    *,
    sso_session: str = "sso-kit",
    token: str | None = None,
    timeout: float = 10.0,
) -> list[str] | None:
    """Send the step checks to the dashboard, signed with the learner's SSO access token.

    Returns the accepted check ids, or None when there is no token yet (not logged in).
    """
    token = token or _access_token(sso_session)
    if not token:
        return None
    body = json.dumps({"checks": checks if checks is not None else read_checks()}).encode()
    request = urllib.request.Request(
        f"{url.rstrip('/')}/_workshop/report",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return list(json.loads(response.read()).get("accepted", []))
    except urllib.error.HTTPError as err:
        if err.code == 401:
            return None  # the token expired or was revoked: report after the next login
        raise SandboxError(
            f"The workshop refused the step report (HTTP {err.code}).",
            hint="Tell your instructor; your own work is not affected.",
        ) from None


_reporter: threading.Thread | None = None


def start_reporter(url: str, interval: float = 5.0) -> threading.Thread:
    """Report the checks file whenever it changes (daemon thread in notebook 00's kernel)."""
    global _reporter
    if _reporter is not None and _reporter.is_alive():
        return _reporter

    def loop() -> None:
        sent: Any = None
        stop = threading.Event()
        while not stop.wait(interval):
            checks = read_checks()
            if not checks or checks == sent:
                continue
            try:
                if report_checks(url, checks) is not None:
                    sent = checks
            except (OSError, SandboxError):
                continue  # the sandbox is away for a moment: try again next round

    _reporter = threading.Thread(target=loop, name="sso-kit-workshop-reporter", daemon=True)
    _reporter.start()
    return _reporter


# -- a learner's browser, for headless runs (pre-flight, load test, hub test) -------------------
class _Browser:
    """A cookie-keeping client that fills in the sandbox's sign-in forms like a person."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base}{path}", timeout=30) as response:
            return str(response.read().decode("utf-8"))

    def post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(f"{self.base}{path}", data=data, timeout=30) as response:
                return str(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8", "replace")
            message = re.search(r'class="error"[^>]*>([^<]+)<', text)
            raise SandboxError(
                f"The sign-in page refused the step {path} (HTTP {err.code}: "
                f"{message.group(1) if message else 'no message'}).",
                hint="Check the user name and password on the card.",
            ) from None


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    if not match:
        raise SandboxError("The sign-in page has no form token.", hint="Is this a sso-kit sandbox?")
    return match.group(1)


def sign_in_and_approve(base_url: str, user_code: str, user: str, password: str) -> None:
    """Open the verification page, enter the code, sign in and choose Allow, as a browser."""
    browser = _Browser(base_url)
    page = browser.get(f"/device?user_code={urllib.parse.quote(user_code)}")
    page = browser.post("/device", {"csrf": _csrf(page), "user_code": user_code})
    page = browser.post("/signin", {"csrf": _csrf(page), "username": user, "password": password})
    page = browser.post("/consent", {"csrf": _csrf(page), "decision": "allow"})
    if "Request approved" not in page:
        raise SandboxError(
            f"The sandbox did not approve the code for {user}.",
            hint="Start the login again for a fresh code.",
        )
