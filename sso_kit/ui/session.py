"""One observable login state in the kernel, under every widget that shows it.

The jupyter-widgets pattern: a traitlets model holds the state, widgets are views that observe
it. :class:`SessionState` re-reads :func:`sso_kit.status` (the caches only, no network) when

- the library announces a change of its own (``sso_kit.events``: configure, login, logout,
  and so clean-up, which is made of those), or
- the token cache or the config file changes outside the kernel, for example ``aws sso login``
  in a terminal: a daemon thread compares their modification times once a second.

Both may run on worker threads. They only set traits; the views' observers then set widget
traits, which ipywidgets sends to the browser from any thread. Nothing here prints or uses
``with out:``, which would land in whatever cell happens to run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import traitlets

from sso_kit.errors import SsoKitError

__all__ = ["SessionState", "watch_interval"]

#: Seconds between two looks at the token cache and config file (``SSO_KIT_WATCH_INTERVAL``).
watch_interval = float(os.environ.get("SSO_KIT_WATCH_INTERVAL", "1.0"))


def _status(profile: str | None, sso_session: str | None) -> Any:
    from sso_kit.status import status

    return status(profile, sso_session=sso_session)


def _fingerprint(path: Path | None) -> tuple[float, int] | None:
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime, info.st_size)


class SessionState(traitlets.HasTraits):
    """Logged in or not, until when, for one profile or sso-session; shared by its views.

    Use :meth:`shared` to get the one instance for a profile/session in this kernel. A state
    built directly with an injected ``status`` function (tests) is private and not watched.
    """

    profile = traitlets.Unicode(None, allow_none=True, read_only=True)
    sso_session = traitlets.Unicode(None, allow_none=True, read_only=True)
    logged_in = traitlets.Bool(False)
    #: the latest :class:`sso_kit.status.Status`, or None when it could not be read
    status = traitlets.Any(None)
    #: one sentence for the learner: the status message, or why there is none
    message = traitlets.Unicode("")
    #: what caused the latest change: "start", "refresh", "config", "login", "logout", "cache"
    reason = traitlets.Unicode("start")
    #: bumped on every refresh, so a view can observe one trait and redraw
    version = traitlets.Int(0)

    _shared: ClassVar[dict[tuple[str | None, str | None], SessionState]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()
    _watcher: ClassVar[threading.Thread | None] = None
    _unsubscribe: ClassVar[Callable[[], None] | None] = None

    def __init__(
        self,
        profile: str | None = None,
        sso_session: str | None = None,
        *,
        status: Callable[[str | None, str | None], Any] = _status,
    ) -> None:
        super().__init__()
        self.set_trait("profile", profile)
        self.set_trait("sso_session", sso_session)
        self._status = status
        self._lock = threading.RLock()  # a view's observer may refresh again
        self._seen: tuple[Any, Any] = (None, None)
        self.refresh("start")

    # -- one per profile/session -----------------------------------------------------------
    @classmethod
    def shared(cls, profile: str | None = None, sso_session: str | None = None) -> SessionState:
        """The kernel's state for this profile/session; follows library events and the cache."""
        key = (profile, sso_session)
        with cls._shared_lock:
            state = cls._shared.get(key)
            if state is None:
                state = cls._shared[key] = cls(profile, sso_session)
                if cls._unsubscribe is None:
                    from sso_kit import events

                    cls._unsubscribe = events.subscribe(cls._refresh_all)
            cls._start_watching()
        return state

    @classmethod
    def forget_shared(cls) -> None:
        """Drop every shared state, as a new kernel starts without any (the tutorial batch
        runs its notebooks in turn in one kernel); the next :meth:`shared` builds afresh."""
        with cls._shared_lock:
            cls._shared.clear()
            if cls._unsubscribe is not None:
                cls._unsubscribe()
                cls._unsubscribe = None

    @classmethod
    def _refresh_all(cls, reason: str) -> None:
        with cls._shared_lock:
            states = list(cls._shared.values())
        for state in states:
            state.refresh(reason)

    @classmethod
    def _start_watching(cls) -> None:
        """One daemon thread for all shared states (called with the class lock held)."""
        if cls._watcher is not None and cls._watcher.is_alive():
            return
        cls._watcher = threading.Thread(target=cls._watch, name="sso-kit-session", daemon=True)
        cls._watcher.start()

    @classmethod
    def _watch(cls) -> None:
        stop = threading.Event()
        while not stop.wait(watch_interval):
            with cls._shared_lock:
                states = list(cls._shared.values())
            for state in states:
                if state._files() != state._seen:
                    state.refresh("cache")

    # -- reading ---------------------------------------------------------------------------
    def _files(self) -> tuple[Any, Any]:
        from sso_kit.config import config_path

        token = getattr(self.status, "token_path", None)
        return (_fingerprint(token), _fingerprint(config_path()))

    def refresh(self, reason: str = "refresh") -> Any:
        """Re-read the caches (never the network) and update the traits; returns the Status."""
        with self._lock:
            try:
                current = self._status(self.profile, self.sso_session)
            except SsoKitError as exc:  # e.g. the profile is gone after clean-up
                current, message, logged_in = None, str(exc), False
            else:
                message, logged_in = current.message, bool(current.logged_in)
            with self.hold_trait_notifications():
                self.status = current
                self.message = message
                self.logged_in = logged_in
                self.reason = reason
                self.version += 1
            if self._status is _status:
                self._seen = self._files()
        return current

    @property
    def label(self) -> str:
        """The session or profile name the views show."""
        name = getattr(self.status, "sso_session", None) or self.sso_session or self.profile
        return str(name or "default")

    def observe_changes(self, callback: Callable[[SessionState], Any]) -> None:
        """Call ``callback(self)`` after every refresh (on the thread that refreshed)."""
        self.observe(lambda _change: callback(self), names="version")
