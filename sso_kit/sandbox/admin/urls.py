"""Admin routes: (method, path) -> (operation name, handler); every one needs the secret.

An operation ``SetFault`` is served at ``PREFIX + "set_fault"`` by ``responses.set_fault``,
so each route is its operation's name. Further admin pages (an instructor dashboard) add their
names here and get the same checks.
"""

import re
from collections.abc import Callable
from typing import Any

from sso_kit.sandbox.admin import responses

PREFIX = "/_sandbox/admin/"
HEALTH = "/_sandbox/health"  # public: facts without secrets, how handles find a sandbox
LOGIN = "/_sandbox/login"  # public: a browser page trades the secret for a cookie

_POST = [
    "Approve",
    "ExpireTokens",
    "RevokeTokens",
    "SetFault",
    "SkewClock",
    "RemoveAssignment",
    "AddAssignment",
    "AdminCredentials",
    "Invite",
    "SetLifetimes",
    "ResetFaults",
]


def _route(method: str, operation: str, name: str | None = None) -> tuple[Any, Any]:
    name = name or re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
    handler: Callable[..., Any] = getattr(responses, name)
    return (method, PREFIX + name), (operation, handler)


url_paths = dict(
    [
        _route("GET", "WhoAmI", "whoami"),
        _route("POST", "WhoAmI", "whoami"),
        *(_route("POST", operation) for operation in _POST),
    ]
)
