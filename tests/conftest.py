"""Shared test set-up: every test runs with a temporary HOME and AWS config.

Tests must never read or write the real ~/.aws. Fixtures that need a running sandbox live in
tests/integration/conftest.py. The browser tests (tests/e2e, the admin API's attack test)
launch Chromium through ``launch_chromium`` here.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium wrapper does not add --disable-dev-shm-usage here, so we pass it; no network.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture
def launch_chromium() -> Iterator[Callable[..., Any]]:
    """Factory: ``launch_chromium(*extra_args)`` -> Debian's headless Chromium (Playwright).

    Never a browser downloaded by Playwright; every browser launched is closed after the test.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/ensure-system-deps.sh` "
            "(make test does this) to install Debian's chromium."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched: list[Any] = []

        def launch(*extra_args: str) -> Any:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args], headless=True
            )
            launched.append(browser)
            return browser

        try:
            yield launch
        finally:
            for browser in launched:
                browser.close()


# What `aws --version` answered, by program file, for this test process: every test's HOME
# starts with it in ~/.sso-kit/aws-versions.json (sso_kit.aws_version), as a learner's HOME
# keeps it between runs. Without it each doctor or CLI-finder test starts the AWS CLI again
# (about half a second of a core each). Entries name the program file (inode, size, mtime),
# so a test's own fake `aws` is asked on its own; a test that writes the file wins.
_AWS_VERSIONS: dict[str, object] = {}


@pytest.fixture(scope="session", autouse=True)
def known_aws_versions(tmp_path_factory, worker_id) -> None:
    """Ask every ``aws`` a test may meet (PATH's, the kit's own, the venv's) once per run.

    The first xdist worker asks, under a lock and in a throw-away HOME; the others read its
    answers. Without it each worker, and each tutorial run's HOME, asked them again: some 40
    s of CPU per ``make test``, half of it in the bash of pyenv's ``aws`` shim.
    """
    from unittest import mock

    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # one folder per run
    answers = shared / "aws-versions.json"
    with FileLock(str(answers) + ".lock"):
        if not answers.exists():
            home = tmp_path_factory.mktemp("aws-versions-home")
            with mock.patch.dict(os.environ, {"HOME": str(home)}):
                from sso_kit.aws_version import cache_path, version_output
                from sso_kit.course.awscli import find_all

                find_all()
                venv = Path(sys.executable).parent
                # the venv's (CLI v1, a test extra) and the CLI v2 integration tests install
                for aws in (venv / "aws", venv.parent / "awscli-v2" / "bin" / "aws"):
                    if os.access(aws, os.X_OK):
                        version_output(aws)
                known = cache_path().read_text("utf-8") if cache_path().exists() else "{}"
            answers.write_text(known, "utf-8")
    _keep_aws_versions(answers)


def _seed_aws_versions(home: Path) -> Path:
    cache = home / ".sso-kit" / "aws-versions.json"
    if _AWS_VERSIONS:
        cache.parent.mkdir(mode=0o700)
        cache.write_text(json.dumps(_AWS_VERSIONS), encoding="utf-8")
    return cache


def _keep_aws_versions(cache: Path) -> None:
    try:
        entries = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(entries, dict):
        _AWS_VERSIONS.update(
            (k, v) for k, v in entries.items() if isinstance(v, dict) and "aws-cli/" in str(v)
        )


@pytest.fixture(autouse=True)
def isolated_aws_home(tmp_path, monkeypatch):
    """A fresh HOME with an empty ~/.aws for every test; AWS_* variables cleared."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    versions = _seed_aws_versions(home)
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore fixes its SSO token folder from HOME when first imported; point it here too,
    # so in-process boto3 reads the caches this test writes.
    import botocore.credentials
    import botocore.tokens

    sso_cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    yield home
    _keep_aws_versions(versions)
