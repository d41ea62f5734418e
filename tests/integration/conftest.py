"""Fixtures that give integration tests a real sandbox server on 127.0.0.1 (port 0).

* ``sandbox`` — session-scoped, in-process (background thread), NOT auto-approving. Approve a
  device code with ``sandbox.approve(user_code)`` (signs in as ``sandbox.default_user``, the
  same path as the web form). Fault switches, clock skew and lifetimes are reset after every
  test that used it, so one test's faults never leak into the next.
* ``auto_sandbox`` — session-scoped, in-process, ``auto_approve=True``: every device
  authorization (and PKCE /authorize) is approved for the default user on its first poll.
* ``fresh_sandbox`` — function-scoped, a separate ``python -m sso_kit sandbox`` process with
  its own moto state (nothing shared with other tests); stopped after the test. Slower (about
  two seconds); use it for tests that mutate the directory or need empty S3.

``sandbox`` and ``auto_sandbox`` run in the same process and therefore share moto's backends
(IAM roles, S3 buckets); each has its own users' passwords, tokens and faults.

Clients reach a sandbox through ``endpoint_url = sandbox.url`` in the profile (or
``AWS_ENDPOINT_URL``), with unmodified boto3 / botocore / the ``aws`` CLI. Useful handles:
``sandbox.url``, ``.start_url`` (https://my-sso-portal.awsapps.com/start), ``.sso_region``
(us-east-1), ``.default_user`` (``User(name, password)``), ``.expire_tokens()``,
``.revoke_tokens()``, ``.set_fault(op, kind, count)``, ``.skew_clock(s)``,
``.remove_assignment(user, account, permission_set)``, ``.set_lifetimes(...)``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sso_kit.course.awscli import ENV_SOURCE, AwsCli, ensure_installed
from sso_kit.sandbox import Sandbox

# ``aws_v2``: a real AWS CLI v2 (2.36.7), installed once per checkout into ``.venv/awscli-v2`` by
# the product's own installer from the wheel kept next to the repository (``../shared/wheels``).
# The product never needs that wheel; machines with a download use ``sso-kit awscli install``.
ROOT = Path(__file__).resolve().parents[2]
WHEEL = ROOT.parent / "shared" / "wheels" / "awscli-2.36.7-py3-none-any.whl"
CACHE = ROOT / ".venv" / "awscli-v2"


def install_test_cli() -> AwsCli:
    """The cached CLI v2 (installing it on first use); fails loudly without a source.

    ``SSO_KIT_AWSCLI_SOURCE`` (a wheel, sdist or URL) replaces the shared wheel where set.
    """
    from filelock import FileLock

    source = os.environ.get(ENV_SOURCE) or WHEEL
    if not (CACHE / "bin" / "aws").exists() and source == WHEEL and not WHEEL.is_file():
        pytest.fail(f"CLI v2 wheel missing at {WHEEL}: the CLI v2 tests need it (see its README).")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{CACHE}.lock"):  # xdist workers install it once, the others wait
        return ensure_installed(source, target=CACHE, progress=lambda _line: None, link=False)


@pytest.fixture(scope="session")
def aws_v2() -> AwsCli:
    """A real AWS CLI v2 (2.36.7): ``aws_v2.path`` is its ``aws``."""
    cli = install_test_cli()
    assert cli.usable, cli.describe()
    return cli


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A shared, manually approved sandbox for the whole test session."""
    with Sandbox(host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture(scope="session")
def auto_sandbox() -> Iterator[Sandbox]:
    """A shared sandbox that approves every sign-in for its default user."""
    with Sandbox(host="127.0.0.1", port=0, auto_approve=True) as sb:
        yield sb


@pytest.fixture
def fresh_sandbox(tmp_path) -> Iterator[Sandbox]:
    """A sandbox in its own process with clean state, stopped after the test."""
    sb = Sandbox.spawn(state_file=tmp_path / "sandbox-state" / "sandbox.json")
    try:
        yield sb
    finally:
        sb.terminate()


@pytest.fixture(autouse=True)
def _reset_sandbox_faults(request) -> Iterator[None]:
    """After each test, clear faults on whichever shared sandbox it used."""
    yield
    for name in ("sandbox", "auto_sandbox"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset_faults()
