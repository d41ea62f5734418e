"""Failure limits for guessable inputs: user codes, passwords and the admin secret.

A :class:`FailureLimiter` counts failures per key (a client address, an address and a user
name, or one key for everybody) within a sliding window. The first ``free`` failures cost
nothing; after that the key either waits out the window (``backoff=False``: at most ``free``
failures per window) or waits ``first * 2**(n - free)`` seconds after its n-th failure, up to
``cap`` (``backoff=True``). A success clears the key. Nothing here locks a user *name* out: the limit
falls on where the guesses come from, so the owner signing in from elsewhere still gets in.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 50_000  # memory bound: forget idle keys beyond this


class FailureLimiter:
    """Failures per key in a sliding window, then a fixed stop or a doubling back-off."""

    def __init__(
        self,
        free: int,
        window: float,
        *,
        backoff: bool = False,
        first: float = 30.0,
        cap: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.window = window
        self.backoff = backoff
        self.first = first
        self.cap = cap
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        entries = self._failures.setdefault(key, deque())
        while entries and entries[0] <= now - self.window:
            entries.popleft()
        return entries

    def blocked(self, key: str) -> int:
        """Whole seconds until ``key`` may try again (0: it may try now)."""
        now = self._clock()
        with self._lock:
            entries = self._recent(key, now)
            if len(entries) < self.free:
                return 0
            if self.backoff:
                until = entries[-1] + min(self.cap, self.first * 2.0 ** (len(entries) - self.free))
            else:
                until = entries[0] + self.window
        wait = until - now
        return max(1, int(wait + 0.999)) if wait > 0 else 0

    def fail(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                for old in [k for k, v in self._failures.items() if not v or v[-1] <= now - 60]:
                    del self._failures[old]
            self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
