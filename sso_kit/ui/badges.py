"""The status badge: "logged in until …" or "not logged in", a view of the session state.

It redraws by itself whenever the kernel's :class:`~sso_kit.ui.session.SessionState` changes
(a login or logout in another widget or cell, ``aws sso login`` in a terminal); Refresh only
re-reads the caches at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, guarded
from sso_kit.ui.session import SessionState


def describe_status(st: Any) -> tuple[str, str]:
    """(text, kind) for a Status: never contains a token, only names and times."""
    from sso_kit.ui.login_panel import _local_time

    who = st.sso_session or st.profile
    if st.logged_in:
        text = f"Logged in ({who}) until {_local_time(st.expires_at)}"
        if st.refreshable:
            text += "; botocore can refresh it"
        return text + ".", "ok"
    return (st.message or f"Not logged in ({who})."), "warn"


def describe_state(state: SessionState) -> tuple[str, str]:
    """(text, kind) for a session state: says "Logged out" right after a logout."""
    if state.status is None:
        return state.message, "warn"
    text, kind = describe_status(state.status)
    if state.reason == "logout" and not state.logged_in:
        text = f"Logged out. {text}"
    return text, kind


class StatusBadge(widgets.HBox):
    """A one-line badge plus a Refresh button; never logs in, never calls the network."""

    def __init__(
        self,
        profile: str | None = None,
        sso_session: str | None = None,
        *,
        status: Callable[[str | None, str | None], Any] | None = None,
        state: SessionState | None = None,
    ) -> None:
        self.profile, self.sso_session = profile, sso_session
        if state is None:
            state = (
                SessionState(profile, sso_session, status=status)
                if status is not None
                else SessionState.shared(profile, sso_session)
            )
        self.state = state
        self.badge = StatusMessage(css_class="sso-status-badge")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(guarded(self.badge, self.refresh))
        super().__init__([self.badge, self.refresh_button])
        state.observe_changes(lambda _state: self._show())
        self._show()

    @property
    def current(self) -> Any:
        """The latest :class:`sso_kit.status.Status` (None when it could not be read)."""
        return self.state.status

    def _show(self) -> None:
        with self.badge.guard():
            self.badge.show(*describe_state(self.state))

    def refresh(self) -> Any:
        """Re-read the token cache now (the badge also follows every change by itself)."""
        return self.state.refresh()
