"""``sso-kit workshop start`` as an instructor runs it: a process that says it is ready, stops on
Ctrl-C with its state kept, and comes back with the same room from its data dir."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

READY = "Press Ctrl-C to stop."


def start(data_dir: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    log = data_dir.parent / f"workshop-{len(list(data_dir.parent.glob('workshop-*')))}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "sso_kit", "workshop", "start", "--data-dir", str(data_dir), *extra],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        # as a shell's background job: SIGINT ignored, which the command must not rely on
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        env={**os.environ, "HOME": str(data_dir.parent)},
    )
    deadline = time.monotonic() + 300
    while READY not in log.read_text("utf-8", "replace"):
        assert process.poll() is None, log.read_text("utf-8", "replace")
        assert time.monotonic() < deadline, "the workshop never said it was ready"
        time.sleep(0.2)
    return process, log


def stop_with_ctrl_c(process: subprocess.Popen, log: Path) -> str:
    process.send_signal(signal.SIGINT)
    try:
        assert process.wait(timeout=60) == 0
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a sandbox behind
        raise AssertionError("Ctrl-C did not stop the workshop within 60 s") from None
    return log.read_text("utf-8")


def test_start_says_ready_stops_on_ctrl_c_and_restarts_the_same_room(tmp_path):
    data_dir = tmp_path / "room"
    process, log = start(data_dir, "--learners", "2")
    text = stop_with_ctrl_c(process, log)
    assert "Preparing the learners' accounts: 3/3" in text
    assert "2 learners, 1 spare" in text and "stopped (state kept in the data dir)" in text
    passwords = json.loads((data_dir / "sandbox-state.json").read_text())["directory"]["passwords"]
    for name in ("learner01", "learner02", "spare01"):
        assert passwords[name] not in text  # not a terminal: the output is a log

    process, log = start(data_dir)  # no --learners: the same room comes back
    again = stop_with_ctrl_c(process, log)
    assert "2 learners, 1 spare" in again
    after = json.loads((data_dir / "sandbox-state.json").read_text())["directory"]["passwords"]
    assert after == passwords
