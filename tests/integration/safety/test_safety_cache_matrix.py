"""Every corrupt token cache x status, ls, doctor, login, logout, against the real sandbox.

Each command runs through ``sso_kit.cli.main`` in fresh processes (three in parallel, one HOME
each) whose HOME was set before botocore was imported. Every answer must be a clear error
that names the token file and the fix (exit 4), with no traceback, no hang and nothing of
the file's contents; status, ls and doctor leave the file as it was; login recovers by
writing a fresh token (or refuses a folder/FIFO/device at the path, exit 4); logout removes
an unreadable token file it cannot revoke (and refuses a folder/FIFO/device, exit 4).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cache_variants import MARKER, VARIANTS

from sso_kit.course.runner import isolated_home_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DRIVER = Path(__file__).with_name("cli_driver.py")
COMMANDS = ("status", "ls", "doctor", "login", "logout")
REGULAR = {name: regular for name, _, regular in VARIANTS}
WORKERS = 3


def driver_env(home: Path) -> dict[str, str]:
    """The environment of a learner's shell with HOME at ``home`` and no AWS_* settings."""
    env = {**os.environ, **isolated_home_env(home)}
    return {k: v for k, v in env.items() if v is not None}


def start_driver(work: Path, home: Path, spec: dict) -> subprocess.Popen:
    """Run cli_driver.py on ``spec`` (written to work/spec.json); it answers in work/out.json."""
    (work / "spec.json").write_text(json.dumps(spec))
    return subprocess.Popen(
        [sys.executable, str(DRIVER), str(work / "spec.json"), str(work / "out.json")],
        env=driver_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def matrix(auto_sandbox, tmp_path_factory) -> dict[tuple[str, str], dict]:
    names = [v[0] for v in VARIANTS]
    jobs = []
    for index in range(WORKERS):
        work = tmp_path_factory.mktemp(f"cache-matrix-{index}")
        home = work / "home"
        (home / ".aws").mkdir(parents=True)
        spec = {
            "mode": "cache_matrix",
            "url": auto_sandbox.url,
            "start_url": auto_sandbox.start_url,
            "variants": names[index::WORKERS],
        }
        process = start_driver(work, home, spec)
        jobs.append((process, work, home))
    results = {}
    for process, work, home in jobs:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output.decode(errors="replace")
        token_path = home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(b's').hexdigest()}.json"
        for outcome in json.loads((work / "out.json").read_text()):
            outcome["token_path"] = str(token_path)
            results[(outcome["variant"], outcome["command"])] = outcome
    return results


CASES = [(name, command) for name, _, _ in VARIANTS for command in COMMANDS]


@pytest.mark.parametrize(("variant", "command"), CASES, ids=[f"{v}-{c}" for v, c in CASES])
def test_corrupt_token_cache(matrix, variant: str, command: str) -> None:
    outcome = matrix[(variant, command)]
    text = outcome["stdout"] + outcome["stderr"]
    assert not outcome["hang"], f"{command} hung on {variant}"
    assert outcome["traceback"] is None, outcome["traceback"]
    assert "Traceback" not in text
    assert MARKER not in text, f"{command} quoted the token file:\n{text}"
    regular = REGULAR[variant]
    if command == "login" and regular:
        assert outcome["rc"] == 0, text
        assert outcome["token_ok_after"], "login did not write a fresh, readable token"
        return
    if command == "logout" and regular:
        assert outcome["rc"] == 0, text
        assert outcome["after"] is None, "logout left the unreadable token file behind"
        assert f"removed token: {outcome['token_path']}" in outcome["stdout"]
        return
    assert outcome["rc"] == 4, text
    assert outcome["after"] == outcome["before"], f"{command} changed the token path"
    assert outcome["token_path"] in text, "the message does not name the file"
    lowered = text.lower()
    assert "log in again" in lowered or "move it out of" in lowered, text
    if command == "doctor":
        assert "(token.invalid)" in text or "(token.unreadable)" in text, text
    else:
        assert outcome["stderr"].startswith("sso-kit: error: "), outcome["stderr"]
