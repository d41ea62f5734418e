"""The "Check my work" widget of a notebook step, and how each step lists buckets there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sso_kit.course.checks.model import CheckResult, Target
from sso_kit.course.checks.results import record
from sso_kit.course.checks.steps import check

__all__ = ["bucket_lister", "check_my_work"]


def bucket_lister(kit: Any, step: str) -> Callable[[], Sequence[str]] | None:
    """How a step lists buckets: 07 with the profile's role; 09 with the sandbox admin's key
    (the profile may already be gone); None on real AWS for 09 (no credentials left)."""
    if step == "07":

        def with_role() -> list[str]:
            from sso_kit.buckets import list_buckets

            return [b.name for b in list_buckets(kit.profile)]

        return with_role
    # A workshop learner has no admin key (the room's is the instructor's): as on real AWS.
    if step == "09" and getattr(getattr(kit, "sandbox", None), "admin_key", None):

        def as_admin() -> list[str]:
            from sso_kit.course.admin import admin_client

            buckets = admin_client(kit, "s3").list_buckets().get("Buckets", [])
            return [b["Name"] for b in buckets]

        return as_admin
    return None


def check_my_work(step: str, kit: Any, *, keep_profile: bool = False, buckets: bool = True) -> Any:
    """The "Check my work" widget for a notebook step; headless runs check at once and raise
    AssertionError (with what is missing and the hint) when the step is not done."""
    from sso_kit.ui.check import CheckWork

    target = Target.from_setup(kit)
    lister = bucket_lister(kit, step) if buckets else None

    def run() -> CheckResult:
        return check(step, target, list_buckets=lister, keep_profile=keep_profile)

    widget = CheckWork(run, on_result=lambda r: record(r, profile=target.profile))
    if not kit.interactive:
        result = widget.check()
        if not result.ok:
            raise AssertionError(result.report())
    return widget
