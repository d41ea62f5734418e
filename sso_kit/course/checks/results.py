"""Check results recorded for the workshop views: ``~/.sso-kit/checks.json`` (``docs/checks.md``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sso_kit import cache
from sso_kit.course.checks.model import CheckResult
from sso_kit.files import atomic_write
from sso_kit.home import kit_home

__all__ = ["KEEP_RESULTS", "checks_path", "load_results", "record"]

#: How many results checks.json keeps (oldest dropped first).
KEEP_RESULTS = 500


def checks_path() -> Path:
    """``~/.sso-kit/checks.json``."""
    return kit_home() / "checks.json"


def load_results() -> list[dict[str, Any]]:
    """Every recorded result, oldest first ([] when there is none or the file is unreadable)."""
    try:
        data = json.loads(checks_path().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    results = data.get("results") if isinstance(data, dict) else None
    return list(results) if isinstance(results, list) else []


def record(result: CheckResult, *, profile: str | None = None) -> Path:
    """Append ``result`` to ``checks.json`` (atomic replace, owner-only); returns the path."""
    entry = {
        "step": result.step,
        "ok": result.ok,
        "time": cache.format_timestamp(cache.utc_now()),
        "path": result.context,
        "missing": list(result.missing),
    }
    if profile:
        entry["profile"] = profile
    results = [*load_results(), entry][-KEEP_RESULTS:]
    path = checks_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    document = json.dumps({"version": 1, "results": results}, indent=1)
    atomic_write(path, document.encode("utf-8"), 0o600)
    return path
