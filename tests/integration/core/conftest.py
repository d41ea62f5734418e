"""Helpers for the core integration tests: a profile pointed at a real sandbox, clean envs.

botocore computes its SSO token-cache directory from HOME once, at import time. The test
process imported botocore before the per-test HOME existed, so for *in-process* boto3 calls we
point those two class constants at the test's home (``botocore_home``). Every acceptance check
that must prove "nothing but the files sso_kit wrote" runs in a fresh subprocess instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def botocore_home(isolated_aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make in-process botocore read the SSO cache under this test's HOME."""
    import botocore.credentials
    import botocore.tokens

    directory = str(isolated_aws_home / ".aws" / "sso" / "cache")
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", directory)
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", directory)
    return isolated_aws_home
