"""Shared parts of the doctor stages: the run's state, recording findings, small helpers."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sso_kit.cache import parse_timestamp
from sso_kit.config import config_path, default_profile
from sso_kit.diagnose.catalogue import failure
from sso_kit.diagnose.report import Finding, Report, Status
from sso_kit.errors import CacheError, redact

MIN_BOTOCORE = (1, 29, 10)  # first botocore that reads [sso-session] sections
REFRESH_WINDOW = timedelta(minutes=15)  # botocore refreshes (or gives up) inside this window
SKEW_WARNING = timedelta(seconds=60)
SKEW_PROBLEM = timedelta(minutes=5)
LOGIN = "sso-kit login --profile {profile}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _parse_time(value: Any) -> datetime | None:
    """A cache timestamp read as the library reads it, or None when there is none or it is bad."""
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except CacheError:
        return None


def _when(moment: datetime) -> str:
    delta = moment - _utcnow()
    minutes = int(abs(delta.total_seconds()) // 60)
    span = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    rel = f"in {span}" if delta.total_seconds() >= 0 else f"{span} ago"
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S UTC')} ({rel})"


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


class Stop(Exception):
    """Raised inside a stage when later checks would only repeat the same problem."""


def _aws_version(aws: str) -> str:
    """``aws --version`` output (asked once per program file: the CLI takes seconds to start)."""
    from sso_kit.aws_version import version_output

    try:
        return version_output(aws)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"could not run ({exc.__class__.__name__})"


def _json_files(directory: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Yield (path, parsed dict) for each readable JSON object file in ``directory``."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            yield path, data


class Checks:
    """One diagnosis run's state and plumbing; the stage mixins add the checks."""

    def __init__(self, profile: str | None) -> None:
        self.profile = profile or default_profile()
        self.source = next(
            (
                label
                for given, label in (
                    (profile, "given explicitly"),
                    (os.environ.get("AWS_PROFILE"), "from AWS_PROFILE"),
                    (os.environ.get("AWS_DEFAULT_PROFILE"), "from AWS_DEFAULT_PROFILE"),
                )
                if given
            ),
            "the default profile",
        )
        self.report = Report(self.profile, self.source)
        self.login = LOGIN.format(profile=self.profile)
        self.config_file = config_path()
        self.session_name: str | None = None
        self.start_url: str | None = None
        self.sso_region: str | None = None
        self.region: str | None = None
        self.account_id: str | None = None
        self.role_name: str | None = None
        self.endpoint_url: str | None = None
        self.token: dict[str, Any] | None = None
        self.role_credentials: dict[str, Any] | None = None

    # -- plumbing -------------------------------------------------------------------------
    def add(self, id: str, status: Status, found: str, **values: Any) -> None:
        """Record a finding; its stage, cause and fix come from the failure catalogue."""
        entry = failure(id)
        cause, fix = ("", "") if status == "ok" else entry.render(**self._values(), **values)
        self._record(id, entry.stage, status, found, cause, fix)

    def _values(self) -> dict[str, Any]:
        return {"profile": self.profile, "login": self.login, "config_file": self.config_file}

    def _record(self, id: str, stage: str, status: Status, found: str, cause: str, fix: str):
        self.report.findings.append(Finding(id, stage, status, redact(found), cause, fix))
