"""The per-session login lock can be released by a thread other than the one that took it.

A notebook's login panel starts a login on one worker thread and may finish or cancel it on
another; a thread-local lock would then stay held and block every later login in the kernel.
"""

from __future__ import annotations

import threading

import pytest

from sso_kit.config import SessionConfig
from sso_kit.login import _lock


def test_login_lock_taken_in_one_thread_is_released_from_another():
    cfg = SessionConfig("my-sso", "https://d-1234567890.awsapps.com/start", "us-east-1", None, None)
    lock = _lock(cfg)
    taker = threading.Thread(target=lock.acquire)
    taker.start()
    taker.join()
    assert lock.is_locked
    lock.release()
    assert not lock.is_locked
    # A fresh lock object for the same session (a second login) can now be taken at once.
    again = _lock(cfg)
    again.acquire(timeout=1)
    assert again.is_locked
    again.release()


def test_login_lock_held_by_another_process_times_out_and_frees_when_that_process_dies():
    """Another process's ``flock`` (a second kernel or CLI login, or filelock's, which takes
    the same kind of lock) keeps this one out; when that process is killed the kernel drops
    the lock, so no stale lock file can block later logins."""
    import subprocess
    import sys

    cfg = SessionConfig("my-sso", "https://d-1234567890.awsapps.com/start", "us-east-1", None, None)
    lock = _lock(cfg)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n", lock.path],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(TimeoutError):
            lock.acquire(timeout=0.2)
        assert not lock.is_locked
    finally:
        holder.kill()
        holder.wait()
    lock.acquire(timeout=5)
    assert lock.is_locked
    lock.release()
    assert not lock.is_locked


def test_flow_acquire_says_false_while_another_lock_object_holds_the_session():
    from sso_kit.login import DeviceLogin

    cfg = SessionConfig("my-sso", "https://d-1234567890.awsapps.com/start", "us-east-1", None, None)
    first, second = (
        DeviceLogin(config=cfg, client=object()),
        DeviceLogin(config=cfg, client=object()),
    )
    assert first.acquire(timeout=0)
    assert not second.acquire(timeout=0.1)
    first.release()
    assert second.acquire(timeout=0)
    second.release()


def test_a_forked_child_does_not_keep_the_parents_login_lock():
    """An inherited descriptor shares the flock: the child must close it, or the session
    would stay locked after the parent's login ended while the child runs on."""
    import os
    import time

    cfg = SessionConfig("my-sso", "https://d-1234567890.awsapps.com/start", "us-east-1", None, None)
    lock = _lock(cfg)
    lock.acquire(timeout=1)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: say it is up, then outlive the parent's release
        try:
            os.close(read)
            os.write(write, b"up")
            time.sleep(5)
        finally:
            os._exit(0)
    try:
        os.close(write)
        assert os.read(read, 2) == b"up"
        lock.release()
        again = _lock(cfg)
        again.acquire(timeout=0)  # raises TimeoutError if the child still held it
        assert again.is_locked
        again.release()
    finally:
        os.close(read)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
