"""stop_process: a polite child stops on SIGTERM; a stubborn one (and its group) is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sso_kit.processes import stop_process

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"
WITH_CHILD = (
    "import subprocess, sys, time; "
    "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
    "print(c.pid, flush=True); time.sleep(60)"
)


def spawn(code: str, **kw) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, **kw)
    proc.stdout.readline()  # it is up (and has set its handler)
    return proc


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_polite_child_stops_on_sigterm():
    proc = spawn("print('up', flush=True); import time; time.sleep(60)")
    stop_process(proc, 10.0)
    assert proc.returncode == -signal.SIGTERM


def test_a_child_that_ignores_sigterm_is_killed_after_the_wait():
    proc = spawn(STUBBORN)
    stop_process(proc, 0.5)
    assert proc.returncode == -signal.SIGKILL


def test_group_takes_what_the_child_started_along():
    proc = subprocess.Popen(
        [sys.executable, "-c", WITH_CHILD], stdout=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    grandchild = int(proc.stdout.readline())
    stop_process(proc, 5.0, group=True)
    assert proc.poll() is not None
    deadline = time.monotonic() + 5  # init reaps it a moment later (its parent is gone)
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(grandchild)
