"""Shared helpers for the core integration tests (imported by name; tests/ is not a package)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sso_kit import config

PROFILE, SESSION = "dev", "my-sso"
ACCOUNT, ROLE = "111122223333", "PowerUserAccess"
AWS = str(Path(sys.executable).with_name("aws"))


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a learner's terminal: HOME only, no AWS_* variables at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = str(home)
    env.pop("SSO_KIT_SANDBOX_URL", None)
    return env


def run(args: list[str], home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a command as the learner would (no AWS_* variables), capturing text output."""
    return subprocess.run(
        args, env=clean_env(home), capture_output=True, text=True, timeout=timeout, check=False
    )


def sso_kit(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "sso_kit", *args], home)


def configure_for(sb, profile: str = PROFILE, session: str = SESSION, role: str = ROLE) -> None:
    """Write the profile exactly as a learner would for the sandbox."""
    config.configure_profile(
        profile,
        sso_session=session,
        start_url=sb.start_url,
        sso_region=sb.sso_region,
        account_id=ACCOUNT,
        role_name=role,
        region="us-east-1",
        endpoint_url=sb.url,
    )
