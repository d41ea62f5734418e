"""The `sso-kit` commands as a learner runs them: subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from sso_core_helpers import ACCOUNT, PROFILE, ROLE, SESSION
from sso_core_helpers import sso_kit as run_sso_kit

pytestmark = pytest.mark.integration


def configure_args(sb, **over: str) -> list[str]:
    values = {
        "--profile": PROFILE,
        "--sso-session": SESSION,
        "--start-url": sb.start_url,
        "--sso-region": sb.sso_region,
        "--account-id": ACCOUNT,
        "--role-name": ROLE,
        "--region": "us-east-1",
        "--endpoint-url": sb.url,
    }
    values.update(over)
    return ["configure", *[x for kv in values.items() for x in kv]]


def cache_file(home: Path) -> Path:
    return home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(SESSION.encode()).hexdigest()}.json"


def test_cli_journey(auto_sandbox, isolated_aws_home):
    home = isolated_aws_home
    seen: list[subprocess.CompletedProcess[str]] = []

    def sso_kit(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
        seen.append(run_sso_kit(*args, home=home))
        return seen[-1]

    proc = sso_kit(*configure_args(auto_sandbox), home=home)
    assert proc.returncode == 0, proc.stderr
    assert f"[profile {PROFILE}]" in proc.stdout and f"[sso-session {SESSION}]" in proc.stdout

    proc = sso_kit("status", "--profile", PROFILE, home=home)
    assert proc.returncode == 4
    assert proc.stderr.startswith("sso-kit: error: Not logged in")
    assert len(proc.stderr.strip().splitlines()) == 1

    proc = sso_kit("login", "--profile", PROFILE, "--no-browser", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "Browser will not be automatically opened." in proc.stdout
    assert "Then enter the code:" in proc.stdout
    assert proc.stdout.rstrip().endswith(
        f"Successfully logged into Start URL: {auto_sandbox.start_url}"
    )

    proc = sso_kit("login", "--sso-session", SESSION, "--no-browser", home=home)
    assert proc.returncode == 0 and "Already logged into Start URL" in proc.stdout

    proc = sso_kit("status", "--sso-session", SESSION, home=home)
    assert proc.returncode == 0, proc.stderr
    assert "logged in:               yes" in proc.stdout
    assert "refreshable:             yes" in proc.stdout

    sso_kit("ls", "--profile", PROFILE, home=home)
    proc = sso_kit("ls", "--profile", PROFILE, home=home)
    assert proc.returncode == 0, proc.stderr
    assert all(
        re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$", x) for x in proc.stdout.splitlines()
    )

    token = json.loads(cache_file(home).read_text())
    outputs = [proc.stdout + proc.stderr for proc in seen]
    for secret in ("accessToken", "refreshToken", "clientSecret"):
        assert not any(token[secret] in text for text in outputs), secret

    proc = sso_kit("logout", "--sso-session", SESSION, home=home)
    assert proc.returncode == 0, proc.stderr
    assert "removed token:" in proc.stdout and "stay valid until they expire" in proc.stdout

    proc = sso_kit("ls", "--profile", PROFILE, home=home)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "sso-kit login --profile dev" in proc.stderr


@pytest.mark.parametrize(
    ("over", "field"),
    [
        pytest.param({"--start-url": "http://x.awsapps.com/start"}, "https", id="http start URL"),
        pytest.param({"--account-id": "12"}, "12 digits", id="short account id"),
        pytest.param({"--profile": "a b"}, "a space", id="profile with a space"),
        pytest.param({"--sso-region": "xx-nowhere-1"}, "Identity Center", id="bad SSO region"),
    ],
)
def test_cli_bad_input_exit_2_and_config_unchanged(auto_sandbox, isolated_aws_home, over, field):
    cfg = isolated_aws_home / ".aws" / "config"
    cfg.write_bytes(b"# mine\n[default]\nregion=eu-west-1\n")
    proc = run_sso_kit(*configure_args(auto_sandbox, **over), home=isolated_aws_home)
    assert proc.returncode == 2
    assert proc.stderr.startswith("sso-kit: error: ") and field in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert cfg.read_bytes() == b"# mine\n[default]\nregion=eu-west-1\n"


def test_cli_logout_needs_a_target_and_unknown_profile_is_exit_3(isolated_aws_home):
    proc = run_sso_kit("logout", home=isolated_aws_home)
    assert proc.returncode == 2 and "--sso-session" in proc.stderr
    proc = run_sso_kit("status", "--profile", "ghost", home=isolated_aws_home)
    assert proc.returncode == 3 and 'profile "ghost"' in proc.stderr
