"""Repair a sandbox profile whose ``endpoint_url`` names a sandbox that is no longer there.

Why: the sandbox is local, so its address can change between two ``make lab`` runs (a port
taken by something else). A profile the kit wrote then points at a dead port and every login
fails with "Could not reach IAM Identity Center". Only profiles that are plainly the sandbox's
(loopback ``endpoint_url`` *and* the sandbox's start URL) are touched, and only when nothing
answers at their old address: a learner's real-AWS profiles are never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Repair", "repair_stale_endpoints"]


@dataclass(frozen=True)
class Repair:
    """One profile moved from a dead sandbox address to the running one."""

    profile: str
    old: str
    new: str
    backup: Path | None


def repair_stale_endpoints(sandbox_url: str, start_url: str) -> list[Repair]:
    """Point every dead loopback sandbox profile at ``sandbox_url``; returns what changed."""
    from sso_kit.config import load_config, set_endpoint_url
    from sso_kit.net import endpoint_listening, is_loopback_url

    config = load_config()
    sessions = config["sso_sessions"]
    wanted = start_url.rstrip("/")
    repairs = []
    for name, values in config["profiles"].items():
        old = str(values.get("endpoint_url") or "")
        if not old or old.rstrip("/") == sandbox_url.rstrip("/") or not is_loopback_url(old):
            continue
        session = sessions.get(values.get("sso_session", ""), {})
        profile_start = session.get("sso_start_url") or values.get("sso_start_url") or ""
        if profile_start.rstrip("/") != wanted or endpoint_listening(old):
            continue
        backup = set_endpoint_url(name, sandbox_url)
        repairs.append(Repair(name, old, sandbox_url, backup))
    return repairs
