"""JupyterHub's own login for the dashboard, when the sandbox runs as a hub-managed service.

The hub gives a managed service ``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_CLIENT_ID`` and its
OAuth callback URL. The dashboard then offers "Sign in with JupyterHub": the hub's OAuth
(``HubOAuth``) says who the browser belongs to, and hub admins (or members of the
``instructors`` group) get the dashboard's session cookie. Learners, signed in to the same
hub, are refused. The workshop secret keeps working alongside (API calls, scripts).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from typing import Any

__all__ = ["INSTRUCTOR_GROUP", "HubLogin"]

INSTRUCTOR_GROUP = "instructors"
STATE_SECONDS = 600


class HubLogin:
    """OAuth with the hub: ``start()`` gives the authorize URL, ``finish()`` the user name."""

    def __init__(self, auth: Any) -> None:
        self.auth = auth
        self.states: dict[str, float] = {}
        self.lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> HubLogin | None:
        """A HubLogin when running as a JupyterHub service, else None."""
        if not (os.environ.get("JUPYTERHUB_API_TOKEN") and os.environ.get("JUPYTERHUB_CLIENT_ID")):
            return None
        from jupyterhub.services.auth import HubOAuth

        return cls(HubOAuth(cache_max_age=60))

    def start(self) -> str:
        state = secrets.token_urlsafe(24)
        with self.lock:
            now = time.time()
            self.states = {s: t for s, t in self.states.items() if t > now}
            self.states[state] = now + STATE_SECONDS
        return f"{self.auth.login_url}&state={state}"

    def finish(self, code: str, state: str) -> tuple[str, bool]:
        """(user name, may see the dashboard) for the hub's answer; raises on a bad state."""
        with self.lock:
            valid = self.states.pop(state, 0.0) > time.time()
        if not valid or not code:
            raise ValueError("the sign-in with JupyterHub expired or was not started here")
        token = self.auth.token_for_code(code, sync=True)
        user = self.auth.user_for_token(token, use_cache=False, sync=True) or {}
        allowed = bool(user.get("admin")) or INSTRUCTOR_GROUP in (user.get("groups") or [])
        return str(user.get("name", "")), allowed
