"""``python -m sso_kit ARGS`` in a child process, as a learner's shell runs it (importable from
every test: tests/conftest.py puts this folder on ``sys.path``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from typing import Any


def run_kit(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; text output captured, the exit code left to the test (never raises on it)."""
    return subprocess.run(
        [sys.executable, "-m", "sso_kit", *args],
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kw,
    )
