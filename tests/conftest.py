"""Shared test set-up: every test runs with a temporary HOME and AWS config.

Tests must never read or write the real ~/.aws. Fixtures that need a running sandbox live in
tests/integration/conftest.py.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_aws_home(tmp_path, monkeypatch):
    """A fresh HOME with an empty ~/.aws for every test; AWS_* variables cleared."""
    import os

    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home
