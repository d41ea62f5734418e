"""``--data-dir`` under trouble: failed saves, kill -9 under load, a second sandbox, leftovers.

The sandbox saves every couple of seconds. A save that fails (here: a folder where the state
file belongs, as a broken disk or a stray ``mkdir`` would leave it) is logged and retried with
a growing wait; once saving works again the state catches up, so a ``kill -9`` afterwards
loses nothing that was acknowledged before the last successful save.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _sandbox_flows import login, role_s3, start_flow

import sso_kit.sandbox as sandbox_module
from sso_kit.errors import SandboxError
from sso_kit.sandbox import Sandbox
from sso_kit.sandbox.persistence import STATE_NAME

pytestmark = pytest.mark.integration


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def saved(data_dir: Path) -> dict:
    try:
        return json.loads((data_dir / STATE_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def break_saving(data_dir: Path) -> None:
    """A non-empty folder where the state file goes: os.replace onto it fails."""
    (data_dir / STATE_NAME).unlink()
    (data_dir / STATE_NAME).mkdir()
    (data_dir / STATE_NAME / "stray").write_text("x")


def mend_saving(data_dir: Path) -> None:
    (data_dir / STATE_NAME / "stray").unlink()
    (data_dir / STATE_NAME).rmdir()


def test_the_saver_retries_with_back_off_and_logs(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(sandbox_module, "SAVE_EVERY", 0.2)  # quicker rounds, same logic
    data_dir = tmp_path / "data"
    caplog.set_level(logging.WARNING, logger="sso_kit.sandbox")
    with Sandbox(port=0, data_dir=data_dir) as sb:
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / STATE_NAME).stat().st_mode) == 0o600
        break_saving(data_dir)

        def retries() -> list[str]:
            # The counter goes up just before the warning is logged: wait for the log itself.
            messages = [r.getMessage() for r in list(caplog.records)]
            return [m for m in messages if "failed" in m and "retrying in" in m]

        assert wait_until(lambda: len(retries()) >= 2)
        assert sb.save_failures >= 2
        waits = [float(m.rsplit("retrying in ", 1)[1].split()[0]) for m in retries()]
        assert waits == sorted(waits) and waits[1] > waits[0]  # the wait grows
        # State changed while saving is broken must still reach the disk later.
        sb.app.directory.invite("learner", "changed-while-broken-1")
        mend_saving(data_dir)
        assert wait_until(lambda: sb.save_failures == 0 and (data_dir / STATE_NAME).is_file())
        assert any("works again" in r.getMessage() for r in caplog.records)
        assert saved(data_dir)["directory"]["passwords"]["learner"] == "changed-while-broken-1"
        assert sb.default_user is not None
    for record in caplog.records:
        assert "changed-while-broken-1" not in record.getMessage()


def test_a_second_sandbox_on_the_same_data_dir_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    with (
        Sandbox(port=0, data_dir=data_dir),
        pytest.raises(SandboxError, match="Another sandbox is already using"),
    ):
        Sandbox(port=0, data_dir=data_dir).start()


def test_kill_9_under_load_with_a_failed_save_then_restart(tmp_path):
    data_dir, state = tmp_path / "data", tmp_path / "sandbox.json"
    first = Sandbox.spawn(state_file=state, data_dir=data_dir, learners=4)
    users = first.users
    names = [f"learner0{n}" for n in range(1, 5)]

    def learner_work(name: str) -> list[str]:
        """Three logins and three buckets for one learner, under the shared load."""
        buckets = []
        for round_ in range(3):
            token = login(first, name, users[name].password)
            bucket = f"{name}-round-{round_}"
            role_s3(first, token, "PowerUserAccess").create_bucket(Bucket=bucket)
            buckets.append(bucket)
        return buckets

    try:
        assert wait_until(lambda: bool(saved(data_dir)))
        with ThreadPoolExecutor(max_workers=4) as pool:
            work = [pool.submit(learner_work, name) for name in names]
            break_saving(data_dir)  # saves fail while the learners work
            password = first.invite("learner", "kept-through-failure-1")
            buckets = [b for job in work for b in job.result(timeout=300)]
        log_path = state.with_suffix(".log")
        assert wait_until(lambda: "retrying in" in log_path.read_text("utf-8"))
        mend_saving(data_dir)

        def caught_up() -> bool:
            data = saved(data_dir)
            names_saved = {b["name"] for rows in data.get("buckets", {}).values() for b in rows}
            passwords = data.get("directory", {}).get("passwords", {})
            return set(buckets) <= names_saved and passwords.get("learner") == password

        assert wait_until(caught_up)
        (data_dir / f".{STATE_NAME}.leftover.tmp").write_text("half a write")
        (data_dir / "notes.txt").write_text("not ours")
    finally:
        os.kill(first._process.pid, signal.SIGKILL)  # no goodbye save
        first._process.wait(timeout=30)
    assert "Traceback" not in state.with_suffix(".log").read_text("utf-8")

    second = Sandbox.spawn(state_file=state, data_dir=data_dir)
    try:
        assert not list(data_dir.glob(f".{STATE_NAME}.*.tmp"))  # our leftover is gone
        assert (data_dir / "notes.txt").read_text() == "not ours"
        flow = start_flow(second)
        second.approve(flow.authorization["userCode"], "learner", "kept-through-failure-1")
        token = flow.poll()["accessToken"]
        listed = {b["Name"] for b in role_s3(second, token, "S3ReadOnly").list_buckets()["Buckets"]}
        assert set(buckets) <= listed and len(buckets) == 12
    finally:
        second.terminate()
