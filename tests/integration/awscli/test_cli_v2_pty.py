"""The tutorial typed into a terminal: a real AWS CLI v2 in a pty against the real sandbox.

``aws`` runs with the environment a JupyterLab terminal of ``sso-kit lab`` gets
(``terminal_environment``: the kit's tools first on PATH, ``AWS_ENDPOINT_URL`` at the sandbox),
so no command carries an endpoint flag. pexpect answers ``aws configure sso``'s prompts as a
learner would; sign-ins are approved through the sandbox's own approve call.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import pexpect
import pytest
from kit_cli import run_kit

from sso_kit.course.awscli import terminal_environment

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TIMEOUT = 120  # s: CLI v2 starts slowly on a busy machine
PROFILE = "sso-kit-tutorial"
SESSION = "sso-kit"
USER_CODE = re.compile(rb"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def term_env(aws_v2, sandbox, isolated_aws_home) -> dict[str, str]:
    """A lab terminal's environment, with the test's CLI v2 where ~/.sso-kit/bin would be."""
    env = terminal_environment(os.environ, sandbox_url=sandbox.url)
    env["PATH"] = f"{Path(aws_v2.path).parent}{os.pathsep}{env['PATH']}"
    env["BROWSER"] = "true"  # nothing to open: the test approves the code itself
    env["TERM"] = "dumb"
    env["AWS_CLI_AUTO_PROMPT"] = "off"
    return env


def spawn(env: dict[str, str], command: str) -> Any:
    child = pexpect.spawn(
        "/bin/sh", ["-c", command], env=env, timeout=TIMEOUT, dimensions=(40, 200)
    )
    child.logfile_read = _Transcript()
    return child


class _Transcript:
    """Keeps what the terminal showed, for the failure message."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, chunk: bytes) -> None:
        self.data += chunk

    def flush(self) -> None:
        pass


def finish(child: Any) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.logfile_read.data.decode(errors="replace")


def approve_shown_code(child: Any, sandbox: Any) -> None:
    """Wait for the device code the CLI prints, then sign in and allow it (the web form's path)."""
    child.expect(USER_CODE)
    sandbox.approve(child.match.group(1).decode())


def run(env: dict[str, str], command: str) -> tuple[int, str]:
    return finish(spawn(env, command))


def pick_first(child: Any, menu: str, chosen: str) -> str:
    """Take the first entry of one of configure sso's menus (or its only entry); returns it."""
    if child.expect([menu, chosen]) == 0:
        child.send("\r")
        child.expect(chosen)
    return child.match.group(1).decode()


def configure_sso(env: dict[str, str], sandbox: Any) -> str:
    """``aws configure sso --use-device-code``, every prompt answered as the tutorial says."""
    child = spawn(env, "aws configure sso --use-device-code")
    child.expect("SSO session name")
    child.sendline(SESSION)
    child.expect("SSO start URL")
    child.sendline(sandbox.start_url)
    child.expect("SSO region")
    child.sendline(sandbox.sso_region)
    child.expect("SSO registration scopes")
    child.sendline("")  # the default, sso:account:access
    approve_shown_code(child, sandbox)
    pick_first(child, r"There are \d+ AWS accounts", r"Using the account ID (\d{12})")
    pick_first(child, r"There are \d+ roles", r'Using the role name "(\w+)"')
    child.expect("Default client Region")
    child.sendline(sandbox.sso_region)
    child.expect("CLI default output format")
    child.sendline("json")
    child.expect("Profile name")
    child.sendline(PROFILE)
    status, shown = finish(child)
    assert status == 0, shown
    return shown


def token_files(home: Path) -> list[dict]:
    cache = home / ".aws" / "sso" / "cache"
    found = [json.loads(p.read_text()) for p in cache.glob("*.json")] if cache.is_dir() else []
    return [f for f in found if "accessToken" in f]


def role_credential_files(home: Path) -> list[Path]:
    cache = home / ".aws" / "cli" / "cache"
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def test_the_tutorial_typed_into_a_terminal_with_cli_v2(term_env, sandbox, isolated_aws_home):
    env, home = term_env, isolated_aws_home

    # step 05: aws configure sso, before any profile exists (AWS_ENDPOINT_URL does the routing)
    shown = configure_sso(env, sandbox)
    assert "To use this profile" in shown
    config = (home / ".aws" / "config").read_text()
    assert f"[profile {PROFILE}]" in config and f"[sso-session {SESSION}]" in config
    assert f"sso_start_url = {sandbox.start_url}" in config
    assert "region = us-east-1" in config
    assert len(token_files(home)) == 1, "configure sso logs in and caches the token"

    # the kit reads the CLI's token: its own status says logged in, with no network
    status = run_kit("status", "--profile", PROFILE, env=env)
    assert status.returncode == 0 and re.search(r"logged in:\s+yes", status.stdout), status

    # step 06: aws sso login --use-device-code, approved as on the sign-in page
    child = spawn(env, f"aws sso login --use-device-code --profile {PROFILE}")
    approve_shown_code(child, sandbox)
    code, shown = finish(child)
    assert code == 0 and "Successfully logged into Start URL" in shown, shown

    # step 07: the role's credentials at work, with no --endpoint-url typed
    bucket = f"cli2a-{secrets.token_hex(4)}"
    code, shown = run(env, f"aws s3 mb s3://{bucket} --profile {PROFILE}")
    assert code == 0, shown
    code, shown = run(env, f"aws s3 ls --profile {PROFILE}")
    assert code == 0 and bucket in shown, shown
    code, shown = run(env, f"aws sts get-caller-identity --profile {PROFILE} --output json")
    assert code == 0, shown
    identity = json.loads(shown[shown.index("{") : shown.rindex("}") + 1])
    assert identity["Account"] == "111122223333"
    assert "assumed-role" in identity["Arn"]
    code, shown = run(env, f"aws s3 rb s3://{bucket} --profile {PROFILE}")
    assert code == 0, shown
    assert role_credential_files(home), "the CLI caches the role credentials it used"

    # step 08: aws sso logout --profile P removes the token
    code, shown = run(env, f"aws sso logout --profile {PROFILE}")
    assert code == 0, shown
    assert token_files(home) == []
    assert role_credential_files(home) == [], "CLI v2's logout also drops its role credentials"

    # log in again and log out with no --profile: the sandbox answers the portal's Logout
    child = spawn(env, f"aws sso login --use-device-code --sso-session {SESSION}")
    approve_shown_code(child, sandbox)
    code, shown = finish(child)
    assert code == 0, shown
    assert len(token_files(home)) == 1
    code, shown = run(env, "aws sso logout")
    assert code == 0, shown
    assert "Could not connect" not in shown
    assert token_files(home) == []
    assert re.search(r"logged in:\s+no", run_kit("status", "--profile", PROFILE, env=env).stdout)


def test_without_the_sandbox_variable_configure_sso_calls_real_aws(
    term_env, sandbox, isolated_aws_home
):
    """Why terminals get AWS_ENDPOINT_URL: without it `aws configure sso` cannot find the sandbox."""
    env = dict(term_env)
    env.pop("AWS_ENDPOINT_URL")
    env["AWS_MAX_ATTEMPTS"] = "1"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["HTTPS_PROXY"] = "http://127.0.0.1:9"  # a dead proxy: the call never leaves the machine
    child = spawn(env, "aws configure sso --use-device-code")
    for prompt, answer in (
        ("SSO session name", SESSION),
        ("SSO start URL", sandbox.start_url),
        ("SSO region", sandbox.sso_region),
        ("SSO registration scopes", ""),
    ):
        child.expect(prompt)
        child.sendline(answer)
    code, shown = finish(child)
    assert code != 0
    # it went for https://oidc.us-east-1.amazonaws.com (through the proxy), not the sandbox
    assert 'Failed to connect to proxy URL: "http://127.0.0.1:9"' in shown, shown
