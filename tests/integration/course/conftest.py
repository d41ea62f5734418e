"""A real AWS CLI v2 for the course tests, installed once into a cached virtual environment.

CLI v2 is not on PyPI, so the environment is built from a wheel: ``SSO_KIT_AWSCLI_WHEEL`` if
set, else the 2.36.7 wheel in the workspace's ``shared/wheels`` folder next to the repository.
It lives in ``build/awscli-v2`` (never tracked) and is reused by later sessions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / "build" / "awscli-v2"
WHEEL = ROOT.parent / "shared" / "wheels" / "awscli-2.36.7-py3-none-any.whl"


@pytest.fixture(scope="session")
def aws_v2() -> str:
    """Path of a CLI v2 ``aws`` (installed on first use; fails loudly if it cannot be)."""
    from filelock import FileLock

    aws = VENV / "bin" / "aws"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(VENV) + ".lock"):  # parallel workers install it once
        _install(aws)
    version = subprocess.run([str(aws), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("aws-cli/2."), version.stdout
    return str(aws)


def _install(aws: Path) -> None:
    if not aws.exists():
        wheel = Path(os.environ.get("SSO_KIT_AWSCLI_WHEEL") or WHEEL)
        assert wheel.exists(), f"no AWS CLI v2 wheel at {wheel}: set SSO_KIT_AWSCLI_WHEEL"
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "--quiet", str(wheel)],
            check=True,
            timeout=900,
        )
