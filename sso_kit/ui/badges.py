"""The status badge: "logged in until …" or "not logged in", read from the caches only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, guarded


def _status(profile: str | None, sso_session: str | None) -> Any:
    from sso_kit.status import status

    return status(profile, sso_session=sso_session)


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


class StatusBadge(widgets.HBox):
    """A one-line badge plus a Refresh button; never logs in, never calls the network."""

    def __init__(
        self,
        profile: str | None = None,
        sso_session: str | None = None,
        *,
        status: Callable[[str | None, str | None], Any] = _status,
    ) -> None:
        self.profile, self.sso_session = profile, sso_session
        self._status = status
        self.current: Any = None
        self.badge = StatusMessage(css_class="sso-status-badge")
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(guarded(self.badge, self.refresh))
        super().__init__([self.badge, self.refresh_button])
        with self.badge.guard():
            self.refresh()

    def refresh(self) -> Any:
        """Re-read the token cache and show the result."""
        self.current = self._status(self.profile, self.sso_session)
        self.badge.show(*describe_status(self.current))
        return self.current
