"""The logout panel: a "Log out" button and a summary of exactly what was removed."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, guarded
from sso_kit.ui.session import SessionState


def _logout(sso_session: str | None, all_sessions: bool) -> Any:
    from sso_kit.logout import logout

    return logout(sso_session, all=all_sessions)


def summarize_logout(result: Any) -> str:
    """Plain-text summary of a LogoutResult: file counts and names, never contents."""
    sessions = ", ".join(result.sessions) or "no session"
    lines = [
        f"Signed out of: {sessions}.",
        f"Removed {len(result.removed_tokens)} token cache file(s) "
        f"and {len(result.removed_credentials)} role-credential cache file(s).",
    ]
    lines += [f"  - {p}" for p in [*result.removed_tokens, *result.removed_credentials]]
    if result.note:
        lines.append(f"Note: {result.note}")
    return "\n".join(lines)


class LogoutPanel(widgets.VBox):
    """Logs out one sso-session (or all) and shows what was deleted."""

    def __init__(
        self,
        sso_session: str | None = None,
        *,
        all_sessions: bool = False,
        logout: Callable[[str | None, bool], Any] = _logout,
        state: SessionState | None = None,
    ) -> None:
        self.sso_session, self.all_sessions = sso_session, all_sessions
        #: the session this panel ends; the library's "logout" event updates every view of it
        self.state = state or SessionState.shared(None, sso_session)
        self._logout = logout
        self.result: Any = None
        self.logout_button = widgets.Button(description="Log out", button_style="warning")
        self.logout_button.add_class("sso-logout-button")
        self.summary = widgets.HTML()
        self.summary.add_class("sso-logout-summary")
        self.status = StatusMessage()
        self.logout_button.on_click(guarded(self.status, self.logout))
        super().__init__([self.logout_button, self.status, self.summary])

    def logout(self) -> Any:
        """Call logout and show the summary."""
        self.result = self._logout(self.sso_session, self.all_sessions)
        self.summary.value = f"<pre>{html.escape(summarize_logout(self.result))}</pre>"
        self.status.show("Logged out.", "ok")
        return self.result
