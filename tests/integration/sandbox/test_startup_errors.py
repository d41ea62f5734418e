"""`sso-kit sandbox` start-up errors: each one line `sso-kit: error: … <hint>`, never a traceback.

Real processes (``python -m sso_kit sandbox``) with a fresh HOME; each either fails at once or
is stopped by the test within its timeout.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from kit_cli import run_kit

pytestmark = pytest.mark.integration


def run_sandbox(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    env.pop("SSO_KIT_SANDBOX_ADMIN_KEY", None)
    return run_kit("sandbox", "--port", "0", *args, env=env, cwd=tmp_path)


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 8, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("sso-kit: error:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[1, 2]", ("not a saved sandbox state", "Move the file aside")),
        ('"a string"', ("not a saved sandbox state",)),
        ('{"directory": "x"}', ("not a saved sandbox state",)),
        ('{"directory": {"seed": {"users": "x"}}}', ("cannot be used", "start_url")),
        ('{"directory": {}}', ("damaged", "KeyError")),
        ("{not json", ("cannot be read", "JSONDecodeError")),
    ],
)
def test_a_damaged_state_file_is_a_start_up_error(tmp_path, content, words):
    data = tmp_path / "data"
    data.mkdir()
    (data / "sandbox-state.json").write_text(content)
    assert_clean_error(run_sandbox(tmp_path, "--data-dir", str(data)), *words)


@pytest.mark.parametrize(
    ("seed", "words"),
    [
        ({"users": "x"}, ("users must be a list of mappings", "--seed")),
        ({"users": [{"display_name": "no name"}]}, ("users[0] needs 'name'",)),
        ({"accounts": []}, ("at least one account",)),
        ({"permission_sets": ["x"]}, ("permission_sets",)),
        ([1, 2], ("mapping at the top level",)),
    ],
)
def test_a_seed_of_the_wrong_shape_is_a_start_up_error(tmp_path, seed, words):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    assert_clean_error(run_sandbox(tmp_path, "--seed", str(path)), *words)


@pytest.mark.parametrize("host", ["256.1.1.1", "no-such-host.invalid", "::g"])
def test_a_host_that_is_not_an_address_is_a_start_up_error(tmp_path, host):
    assert_clean_error(run_sandbox(tmp_path, "--host", host), host, "--host 127.0.0.1")


def test_a_state_file_under_a_file_is_a_start_up_error(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run_sandbox(tmp_path, "--state-file", str(tmp_path / "afile" / "sandbox.json"))
    assert_clean_error(result, "Cannot write the sandbox state file", "--state-file")


@pytest.mark.parametrize("where", ["afile/data", "afile"])
def test_an_unusable_data_dir_is_a_start_up_error(tmp_path, where):
    (tmp_path / "afile").write_text("")
    assert_clean_error(run_sandbox(tmp_path, "--data-dir", str(tmp_path / where)), "data dir")


def test_a_short_admin_secret_from_the_environment_is_refused(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "SSO_KIT_SANDBOX_ADMIN_KEY": "tiny-s3cr3t"}
    result = subprocess.run(
        [sys.executable, "-m", "sso_kit", "sandbox", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 2 and "sso-kit: error:" in result.stderr
    assert "SSO_KIT_SANDBOX_ADMIN_KEY is shorter" in result.stderr
    assert "tiny-s3cr3t" not in result.stderr + result.stdout


def test_a_state_file_under_missing_folders_creates_them_owner_only(tmp_path):
    from sso_kit.sandbox import Sandbox

    state = tmp_path / "new" / "deeper" / "sandbox.json"
    handle = Sandbox.spawn(state_file=state)
    try:
        for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
        assert handle.admin_key and handle.admin_key in state.read_text()
    finally:
        handle.terminate()
