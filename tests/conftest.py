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
    # botocore fixes its SSO token folder from HOME when first imported; point it here too,
    # so in-process boto3 reads the caches this test writes.
    import botocore.credentials
    import botocore.tokens

    sso_cache = str(home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", sso_cache)
    return home
