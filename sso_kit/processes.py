"""Stopping a child process: ask first, then insist, and never wait forever.

The lab's JupyterLab, a spawned sandbox, a workshop and the test suite's hub all stop the
same way: SIGTERM so the child can save and shut its own children down, a bounded wait,
then SIGKILL (to its whole process group when it was started with ``start_new_session``, so
kernels or a hung server go too).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any


def stop_process(
    proc: subprocess.Popen[Any], timeout: float = 15.0, *, group: bool = False
) -> None:
    """SIGTERM ``proc``, wait up to ``timeout`` seconds, then SIGKILL it (or its group)."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    if group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # what it started goes too
    elif proc.poll() is None:
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
