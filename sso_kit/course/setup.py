"""What a step notebook resolves first: its parameters, the sandbox, the tools on this machine."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sso_kit.errors import ConfigError
from sso_kit.home import kit_home
from sso_kit.ui import is_interactive

DEFAULT_PROFILE = "sso-kit-tutorial"


DEFAULT_SESSION = "sso-kit"


@dataclass
class Setup:
    """Everything a step needs, resolved from the notebook's parameters (and the sandbox)."""

    use_sandbox: bool
    interactive: bool
    start_url: str
    sso_region: str
    sso_session: str
    profile: str
    account_id: str | None
    role_name: str | None
    endpoint_url: str | None
    sandbox: Any = None

    def describe(self) -> str:
        """A short, secret-free summary for the top of a notebook."""
        where = f"the offline sandbox at {self.endpoint_url}" if self.use_sandbox else "real AWS"
        return (
            f"Target: {where}\nStart URL: {self.start_url or '(not set)'}\n"
            f"SSO region: {self.sso_region or '(not set)'}\n"
            f"sso-session: {self.sso_session}   profile: {self.profile}\n"
            f"Mode: {'interactive (click the widgets)' if self.interactive else 'headless'}"
        )


def setup(
    *,
    use_sandbox: bool = True,
    start_url: str = "",
    sso_region: str = "",
    sso_session: str = DEFAULT_SESSION,
    profile: str = DEFAULT_PROFILE,
    account_id: str | int | None = "",
    role_name: str | None = "",
    interactive: bool | None = None,
) -> Setup:
    """Resolve the parameters; with the sandbox, find or start it (``Sandbox.ensure_running``)."""
    live = is_interactive(interactive)
    sandbox = None
    endpoint = None
    if use_sandbox:
        from sso_kit.sandbox import Sandbox

        # Headless runs cannot click "Allow", so a sandbox started here approves by itself.
        sandbox = Sandbox.ensure_running(auto_approve=not live)
        endpoint = sandbox.url
        start_url = start_url or sandbox.start_url
        sso_region = sso_region or sandbox.sso_region
    elif not start_url or not sso_region:
        raise ConfigError(
            "use_sandbox is False but start_url or sso_region is empty.",
            hint="Set both parameters to the values from your AWS access portal (step 02).",
        )
    return Setup(
        use_sandbox=bool(use_sandbox),
        interactive=live,
        start_url=start_url,
        sso_region=sso_region,
        sso_session=sso_session,
        profile=profile,
        account_id=str(account_id) if account_id else None,
        role_name=role_name or None,
        endpoint_url=endpoint,
        sandbox=sandbox,
    )


def endpoint_answers(url: str | None, timeout: float = 3.0) -> bool:
    """Whether something accepts TCP connections at ``url`` (the sandbox)."""
    import socket
    from urllib.parse import urlsplit

    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout):
            return True
    except OSError:
        return False


def tool_versions() -> str:
    """Python, boto3, botocore and the ``aws`` command (with its major version, if any)."""
    import platform

    import boto3
    import botocore

    lines = [
        f"Python   {platform.python_version()}",
        f"boto3    {boto3.__version__}",
        f"botocore {botocore.__version__}",
    ]
    aws = aws_cli()
    if aws is None:
        lines.append("aws      not installed (optional: the kit logs in by itself)")
    else:
        from sso_kit.course.awscli import version_line

        version = version_line(aws)  # cached: the CLI takes a second or more to start
        major = version.split("/", 1)[1][:1] if version.startswith("aws-cli/") else "?"
        note = (
            "version 1: reads SSO profiles and tokens but has no `aws sso login`"
            if major == "1"
            else "version 2: has `aws sso login`"
            if major == "2"
            else "unknown version"
        )
        lines.append(f"aws      {version}  ({note})")
    return "\n".join(lines)


def environment_report(kit: Setup) -> str:
    """Tool versions plus where the tutorial will write."""
    from sso_kit.config import config_path

    where = kit.endpoint_url if kit.use_sandbox else "real AWS"
    return f"{tool_versions()}\nAWS config file: {config_path()}\nTarget: {where}"


def sdk_supports_sso_session() -> tuple[bool, str]:
    """botocore reads ``sso_session`` profiles since 1.28; the kit requires 1.34."""
    import botocore

    major, minor = (int(x) for x in botocore.__version__.split(".")[:2])
    ok = (major, minor) >= (1, 34)
    return ok, (
        f"botocore {botocore.__version__} understands sso-session profiles."
        if ok
        else f"botocore {botocore.__version__} is too old: run pip install -U boto3 botocore."
    )


def aws_cli() -> str | None:
    """The kit's CLI v2 (``~/.sso-kit/bin/aws``), else the one next to this Python, else PATH's."""
    import sys

    for candidate in (kit_home() / "bin" / "aws", Path(sys.executable).parent / "aws"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("aws")


def run_command(argv: list[str], timeout: float = 120.0) -> str:
    import subprocess

    from sso_kit.errors import redact

    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    return redact((proc.stdout + proc.stderr).strip())
