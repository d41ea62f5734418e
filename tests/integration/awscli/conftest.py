"""``aws_v2``: a real AWS CLI v2 for the tests, installed once and reused across runs.

It is the product's own installer (``sso_kit.course.awscli``) run on the 2.36.7 wheel kept next
to the repository (``../shared/wheels``), into ``.venv/awscli-v2``. The product never needs that
wheel; machines with a download use ``sso-kit awscli install``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sso_kit.course.awscli import ENV_SOURCE, AwsCli, ensure_installed

ROOT = Path(__file__).resolve().parents[3]
WHEEL = ROOT.parent / "shared" / "wheels" / "awscli-2.36.7-py3-none-any.whl"
CACHE = ROOT / ".venv" / "awscli-v2"


def install_test_cli() -> AwsCli:
    """The cached CLI v2 (installing it on first use); fails loudly without a source.

    ``SSO_KIT_AWSCLI_SOURCE`` (a wheel, sdist or URL) replaces the shared wheel where set.
    """
    source = os.environ.get(ENV_SOURCE) or WHEEL
    if not (CACHE / "bin" / "aws").exists() and source == WHEEL and not WHEEL.is_file():
        pytest.fail(f"CLI v2 wheel missing at {WHEEL}: the CLI v2 tests need it (see its README).")
    return ensure_installed(source, target=CACHE, progress=lambda _line: None, link=False)


@pytest.fixture(scope="session")
def aws_v2() -> AwsCli:
    """A real AWS CLI v2 (2.36.7): ``aws_v2.path`` is its ``aws``."""
    cli = install_test_cli()
    assert cli.usable, cli.describe()
    return cli
