"""Per-learner progress from the sandbox's activity record and the step checks they reported.

A step counts as done when the sandbox saw the call that proves it (e.g. a successful
ListBuckets) or the learner's kernel reported its check as passed. A learner is *stuck* when
they started, are not finished, and either made no progress for ``stuck_minutes`` or hit
``error_limit`` errors within that window; the error names say what went wrong.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from typing import Any

from sso_kit.sandbox.activity import UserActivity

__all__ = ["STEPS", "LearnerProgress", "compute", "to_csv", "to_json"]

#: (step, title, operations that prove it, check ids that report it)
STEPS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "configured",
        "configured",
        ("RegisterClient", "StartDeviceAuthorization"),
        ("05", "configure"),
    ),
    ("logged_in", "logged in", ("CreateToken",), ("06", "login")),
    ("listed_buckets", "listed buckets", ("ListBuckets",), ("07", "s3", "list_buckets")),
    ("logged_out", "logged out", ("Logout",), ("08", "logout")),
    ("cleaned_up", "cleaned up", ("DeleteBucket",), ("09", "clean_up", "cleanup")),
)


@dataclass
class LearnerProgress:
    """One dashboard row; never holds a password or a token."""

    learner: str
    account: str
    steps: dict[str, bool]
    done_at: dict[str, float]
    last_seen: float
    errors: dict[str, int]
    recent_errors: list[str]
    stuck: bool
    state: str  # not started | working | stuck | finished
    fault: str | None = None
    checks: dict[str, bool] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _step_times(
    activity: UserActivity | None, checks: dict[str, dict[str, Any]]
) -> dict[str, float]:
    done: dict[str, float] = {}
    for step, _title, operations, check_ids in STEPS:
        times = [activity.first_ok[o] for o in operations if activity and o in activity.first_ok]
        times += [
            float(c.get("at") or 0.0)
            for cid, c in checks.items()
            if cid in check_ids and c.get("ok")
        ]
        if times:
            done[step] = min(times)
    return done


def compute(
    learner: str,
    account: str,
    activity: UserActivity | None,
    checks: dict[str, dict[str, Any]] | None = None,
    *,
    now: float | None = None,
    stuck_minutes: float = 10.0,
    error_limit: int = 3,
    fault: str | None = None,
) -> LearnerProgress:
    """The progress row of one learner."""
    now = time.time() if now is None else now
    checks = checks or {}
    done_at = _step_times(activity, checks)
    window = now - stuck_minutes * 60
    recent = activity.recent_errors(window) if activity else []
    check_times = [float(c.get("at") or 0.0) for c in checks.values()]
    last_seen = max([activity.last_at if activity else 0.0, *check_times])
    last_progress = max([*done_at.values(), activity.first_at if activity else 0.0, 0.0])
    finished = len(done_at) == len(STEPS)
    started = last_seen > 0
    stuck = started and not finished and (last_progress < window or len(recent) >= error_limit)
    state = (
        "finished" if finished else "stuck" if stuck else "working" if started else "not started"
    )
    return LearnerProgress(
        learner=learner,
        account=account,
        steps={step: step in done_at for step, *_ in STEPS},
        done_at=done_at,
        last_seen=last_seen,
        errors=dict(activity.errors) if activity else {},
        recent_errors=sorted({e.error for e in recent if e.error}),
        stuck=stuck,
        state=state,
        fault=fault,
        checks={cid: bool(c.get("ok")) for cid, c in checks.items()},
    )


EXPORT_FIELDS = ("learner", "account", *(s for s, *_ in STEPS), "state", "errors", "last_seen")


def _export_row(row: LearnerProgress) -> dict[str, Any]:
    return {
        "learner": row.learner,
        "account": row.account,
        **{step: row.steps[step] for step, *_ in STEPS},
        "state": row.state,
        "errors": ";".join(f"{name}={n}" for name, n in sorted(row.errors.items())),
        "last_seen": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row.last_seen))
        if row.last_seen
        else "",
    }


def to_csv(rows: list[LearnerProgress]) -> str:
    """The export as CSV: steps, state and error names per learner; no password ever."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(_export_row(row))
    return out.getvalue()


def to_json(rows: list[LearnerProgress]) -> list[dict[str, Any]]:
    """The export as JSON-ready rows (same fields as the CSV)."""
    return [_export_row(row) for row in rows]
