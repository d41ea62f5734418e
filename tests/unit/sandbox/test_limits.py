"""FailureLimiter with a fake clock: the free failures, the doubling wait, the window, keys."""

from __future__ import annotations

from sso_kit.sandbox.limits import FailureLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_after_the_free_failures_up_to_the_cap():
    clock = Clock()
    limiter = FailureLimiter(3, 600, backoff=True, first=30, cap=100, clock=clock)
    waits = []
    for _ in range(7):
        wait = limiter.blocked("a")
        waits.append(wait)
        clock.now += wait  # the attacker waits exactly as long as told, then fails again
        limiter.fail("a")
    assert waits == [0, 0, 0, 30, 60, 100, 100]
    assert limiter.blocked("b") == 0  # another key is not affected


def test_fixed_window_allows_free_failures_per_window():
    clock = Clock()
    limiter = FailureLimiter(2, 60, clock=clock)
    limiter.fail("*")
    clock.now += 10
    limiter.fail("*")
    assert limiter.blocked("*") == 50  # until the first failure leaves the window
    clock.now += 50
    assert limiter.blocked("*") == 0


def test_old_failures_leave_the_window_and_success_clears():
    clock = Clock()
    limiter = FailureLimiter(1, 60, backoff=True, first=5, clock=clock)
    limiter.fail("k")
    assert limiter.blocked("k") == 5
    clock.now += 61
    assert limiter.blocked("k") == 0
    limiter.fail("k")
    limiter.clear("k")
    assert limiter.blocked("k") == 0
