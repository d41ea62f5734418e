"""What the library just changed, for whoever shows it (the widgets' session state).

The library announces its own writes (``"config"``, ``"login"``, ``"logout"``) here instead of
knowing who listens, so it still imports nothing above it. Subscribers run synchronously on
the announcing thread and must be quick; an exception in one never breaks the operation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["publish", "subscribe"]

_log = logging.getLogger(__name__)
_subscribers: list[Callable[[str], None]] = []
_lock = threading.Lock()


def subscribe(callback: Callable[[str], None]) -> Callable[[], None]:
    """Call ``callback(what)`` after every change; returns a function that unsubscribes."""
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def publish(what: str) -> None:
    """Tell every subscriber that ``what`` changed (``"config"``, ``"login"``, ``"logout"``)."""
    with _lock:
        callbacks = list(_subscribers)
    for callback in callbacks:
        try:
            callback(what)
        except Exception:  # a display problem must never fail a login or a logout
            _log.warning("a %r subscriber failed", what, exc_info=True)
