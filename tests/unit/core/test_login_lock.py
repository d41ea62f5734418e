"""The per-session login lock can be released by a thread other than the one that took it.

A notebook's login panel starts a login on one worker thread and may finish or cancel it on
another; a thread-local lock would then stay held and block every later login in the kernel.
"""

from __future__ import annotations

import threading

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
