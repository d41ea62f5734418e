"""Admin operation handlers: the sandbox's state and a JSON body in, a JSON-able dict out.

These are the fault switches and helpers behind ``Sandbox``'s methods. A handler returns a
dict (sent as JSON) or a werkzeug ``Response`` (a page of its own), and raises
``ValueError``/``KeyError``/``TypeError`` for a bad request (400) or ``PageError`` when an
approval fails the way the web form would (its own status, e.g. 401 or 429).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from sso_kit.sandbox.directory import Directory
from sso_kit.sandbox.oidc.models import Lifetimes, OidcBackend
from sso_kit.sandbox.pages.views import Pages

FAULT_KINDS = ("slow_down", "deny", "delay", "server_error", "drop")
MAX_SKEW = 10 * 365 * 24 * 3600  # seconds: ten years either way
SOURCE = "admin"  # the failure limits' key for approvals made through the admin API


class Backends(Protocol):
    """What an admin handler may touch (the running ``SandboxApp`` has these)."""

    directory: Directory
    oidc: OidcBackend
    pages: Pages


def whoami(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    """Answers only when the caller passed the admin checks: how a page tests its login."""
    return {"admin": True, "start_url": app.directory.start_url}


def approve(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    allow = bool(body.get("allow", True))
    session = app.pages.new_session()
    app.pages.submit_code(session, str(body["user_code"]), SOURCE)
    app.pages.sign_in(session, str(body["username"]), str(body["password"]), SOURCE)
    app.pages.consent(session, allow)
    return {"approved": allow}


def expire_tokens(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    return {"tokens": app.oidc.end_sessions(body.get("user"), "expire")}


def revoke_tokens(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    return {"tokens": app.oidc.end_sessions(body.get("user"), "revoke")}


def set_fault(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    kind = body["kind"]
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    operation = str(body["operation"])
    if kind in ("slow_down", "deny", "delay") and operation not in ("CreateToken", "*"):
        # Only device-code polling can answer these; elsewhere they would do nothing.
        raise ValueError(f"kind {kind!r} applies to CreateToken (or '*') only")
    count = body.get("count")
    if count is not None and int(count) < 1:
        raise ValueError("count must be at least 1 (or null: until reset_faults)")
    with app.oidc.lock:
        app.oidc.faults.operations[operation] = {
            "kind": kind,
            "count": None if count is None else int(count),
        }
        return {"faults": dict(app.oidc.faults.operations)}


def skew_clock(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    seconds = float(body["seconds"])
    # NaN, infinity or centuries would break the Date header of every response.
    if not abs(seconds) <= MAX_SKEW:
        raise ValueError(f"seconds must be a number between -{MAX_SKEW} and {MAX_SKEW}")
    app.oidc.clock.skew = seconds
    return {"skew": app.oidc.clock.skew}


def remove_assignment(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    removed = app.directory.remove_assignment(
        str(body["user"]), str(body["account_id"]), str(body["permission_set"])
    )
    return {"removed": removed}


def add_assignment(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    app.directory.assign(str(body["user"]), str(body["account_id"]), str(body["permission_set"]))
    return {"added": True}


def admin_credentials(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    key_id, secret = app.directory.admin_keys or app.directory.ensure_admin()
    return {"aws_access_key_id": key_id, "aws_secret_access_key": secret}


def invite(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    user = str(body["user"])
    password = app.directory.invite(user, body.get("password") or None)
    return {"user": user, "password": password}


def set_lifetimes(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in dataclasses.fields(Lifetimes)}
    changes = {k: int(v) for k, v in body.items() if v is not None}
    for name, value in changes.items():
        if name not in known:
            raise ValueError(f"unknown lifetime {name!r}; known: {', '.join(sorted(known))}")
        # 0 or less would expire everything at once, or make clients poll non-stop.
        if value < 1:
            raise ValueError(f"lifetime {name!r} must be at least 1 second")
    for name, value in changes.items():
        setattr(app.oidc.lifetimes, name, value)
    return {"lifetimes": vars(app.oidc.lifetimes)}


def reset_faults(app: Backends, body: dict[str, Any]) -> dict[str, Any]:
    with app.oidc.lock:
        app.oidc.faults.operations.clear()
        app.oidc.clock.skew = 0.0
        app.oidc.lifetimes.__init__()  # type: ignore[misc]  # in place: others hold it
    return {"reset": True}
