"""Progress rows: steps from calls or checks, who is stuck and why, exports without secrets."""

from __future__ import annotations

import csv
import io

from sso_kit.sandbox.activity import ActivityLog
from sso_kit.workshop import progress
from sso_kit.workshop.join import read_checks


class Clock:
    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


def row(log, clock, user="learner01", checks=None):
    return progress.compute(user, "200000000001", log.get(user), checks, now=clock.now)


def test_steps_come_from_the_calls_the_sandbox_saw():
    clock = Clock()
    log = ActivityLog(clock)
    for op in ("RegisterClient", "CreateToken", "ListBuckets"):
        log.record("learner01", op, 200)
    r = row(log, clock)
    assert r.steps == {
        "configured": True,
        "logged_in": True,
        "listed_buckets": True,
        "logged_out": False,
        "cleaned_up": False,
    }
    assert r.state == "working" and not r.stuck


def test_a_reported_check_counts_too():
    clock = Clock()
    log = ActivityLog(clock)
    r = row(log, clock, checks={"05": {"ok": True, "at": clock.now}, "06": {"ok": False}})
    assert r.steps["configured"] and not r.steps["logged_in"]
    assert r.checks == {"05": True, "06": False}


def test_no_progress_for_the_window_is_stuck():
    clock = Clock()
    log = ActivityLog(clock)
    log.record("learner01", "RegisterClient", 200)
    clock.now += 11 * 60
    log.record("learner01", "StartDeviceAuthorization", 200)  # same step: no progress
    r = row(log, clock)
    assert r.stuck and r.state == "stuck"


def test_repeated_errors_are_stuck_and_named():
    clock = Clock()
    log = ActivityLog(clock)
    log.record("learner01", "CreateToken", 200)
    for _ in range(3):
        log.record("learner01", "GetRoleCredentials", 403, "ForbiddenException")
    r = row(log, clock)
    assert r.stuck and r.recent_errors == ["ForbiddenException"]
    assert r.errors == {"ForbiddenException": 3}


def test_nobody_seen_is_not_started_and_finished_is_not_stuck():
    clock = Clock()
    log = ActivityLog(clock)
    assert row(log, clock).state == "not started"
    for op in ("RegisterClient", "CreateToken", "ListBuckets", "Logout", "DeleteBucket"):
        log.record("learner01", op, 200)
    clock.now += 3600
    assert row(log, clock).state == "finished"


def test_csv_export_has_one_line_per_learner_and_error_names():
    clock = Clock()
    log = ActivityLog(clock)
    log.record("learner01", "ListBuckets", 403, "AccessDenied")
    text = progress.to_csv([row(log, clock), row(log, clock, "learner02")])
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [x["learner"] for x in lines] == ["learner01", "learner02"]
    assert lines[0]["errors"] == "AccessDenied=1"
    assert "password" not in text.lower()


def test_read_checks_reports_the_latest_recorded_result_per_step(tmp_path, monkeypatch):
    from sso_kit.course.checks import CheckResult, checks_path, record

    monkeypatch.setenv("HOME", str(tmp_path))
    assert read_checks() == {}  # nothing checked yet
    record(CheckResult("05", False, "notebook", missing=["the sso-session section"]))
    record(CheckResult("05", True, "terminal"))
    record(CheckResult("06", False, "notebook"))
    assert read_checks() == {"05": {"ok": True}, "06": {"ok": False}}
    checks_path().write_text("not json", "utf-8")
    assert read_checks() == {}  # an unreadable file reports nothing, raises nothing
