"""The workshop on top of a running sandbox: dashboard, its API, learner reports, faults.

Mounted on the sandbox app (``SandboxApp.mount``), so one port serves the learners' SSO and S3
calls and the instructor's pages. Who may do what:

* the instructor: the workshop secret, which is the sandbox's admin secret, on API calls
  (``Authorization: Bearer <secret>`` or ``X-SSO-Kit-Admin-Secret``), or the dashboard's
  login form, which sets an HttpOnly, SameSite=Strict session cookie (never the secret
  itself), or a JupyterHub sign-in when the sandbox runs as a hub service;
* a learner's kernel: ``POST /_workshop/report`` with the learner's own SSO access token;
* nobody else. The sandbox's :class:`~sso_kit.sandbox.admin.auth.AdminAuth` judges ``Host``
  (DNS rebinding) and ``Origin`` here as on its own admin API (``/_sandbox/admin/*``, which
  it guards itself, even from loopback, where every learner of a shared hub also is), and
  state-changing calls must be JSON.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from importlib import resources
from typing import Any

from werkzeug.wrappers import Request, Response

from sso_kit.sandbox.server import SandboxApp, json_response
from sso_kit.workshop import progress
from sso_kit.workshop.guard import LearnerGuard, delete_account_buckets
from sso_kit.workshop.roster import Roster

__all__ = ["FAULTS", "PREFIX", "Workshop"]

PREFIX = "/_workshop"
COOKIE = "sso_kit_workshop"
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 100
MAX_REPORT = 16 * 1024

#: Faults an instructor can switch on for one learner (troubleshooting exercises).
FAULTS = {
    "expired_token": "their token expires now (next call: refresh or log in again)",
    "no_access": "GetRoleCredentials answers ForbiddenException (No access)",
    "s3_denied": "every S3 call answers AccessDenied",
    "server_error": "portal and S3 calls answer 500 (InternalServerException)",
}


def _template(name: str) -> str:
    return resources.files("sso_kit.workshop").joinpath("templates", name).read_text("utf-8")


def _error(message: str, status: int) -> Response:
    response = json_response({"message": message}, status)
    response.headers["Cache-Control"] = "no-store"
    return response


class Workshop:
    """The instructor's side of a shared sandbox (see the module docstring)."""

    def __init__(
        self,
        app: SandboxApp,
        roster: Roster,
        *,
        stuck_minutes: float = 10.0,
        error_limit: int = 3,
        clock: Any = time.time,
    ) -> None:
        self.app = app
        self.roster = roster
        self.stuck_minutes = stuck_minutes
        self.error_limit = error_limit
        self.clock = clock
        self.lock = threading.Lock()
        self.reports: dict[str, dict[str, dict[str, Any]]] = {}
        self.faults: dict[str, str] = {}
        self.sessions: dict[str, float] = {}
        self.started_at = clock()
        from sso_kit.workshop.hubauth import HubLogin

        self.hub = HubLogin.from_environment()
        self.guard = LearnerGuard(app, roster, self.faults)

    def attach(self) -> Workshop:
        self.app.mount(self.route)
        return self

    # -- who is asking ----------------------------------------------------------------------
    def _bearer(self, request: Request) -> str:
        auth = request.headers.get("Authorization", "")
        return auth[7:].strip() if auth[:7].lower() == "bearer " else ""

    def is_instructor(self, request: Request) -> bool:
        if self.app.auth.secret_given(request):
            return True
        sid = request.cookies.get(COOKIE, "")
        with self.lock:
            expires = self.sessions.get(sid, 0.0) if sid else 0.0
        return expires > self.clock()

    def _new_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        with self.lock:
            now = self.clock()
            self.sessions = {s: e for s, e in self.sessions.items() if e > now}
            while len(self.sessions) >= MAX_SESSIONS:
                self.sessions.pop(next(iter(self.sessions)))
            self.sessions[sid] = now + SESSION_SECONDS
        return sid

    # -- routing ----------------------------------------------------------------------------
    def route(self, request: Request, path: str) -> Response | None:
        """The sandbox asks this first for every request; None lets the sandbox answer."""
        if path == PREFIX or path.startswith(PREFIX + "/"):
            if not self.app.auth.host_allowed(request):
                return _error("This host name is not the workshop's.", 421)
            if not self.app.auth.origin_allowed(request):
                return _error("Cross-site requests are refused.", 403)
            return self._workshop(request, path[len(PREFIX) :] or "/")
        if path == "/oauth_callback" and self.hub is not None and request.method == "GET":
            return self.hub_callback(request)  # the hub's default callback for a service
        return self.guard.isolate(request, path) or self.guard.fault_answer(request, path)

    def _workshop(self, request: Request, sub: str) -> Response:
        method = request.method
        if sub == "/report" and method == "POST":
            return self.report(request)
        if sub == "/" and method == "GET":
            if self.is_instructor(request):
                return self._page(_template("dashboard.html"))
            return self._login_page()
        if sub == "/hub-login" and method == "GET" and self.hub is not None:
            response = Response("", 302)
            response.headers["Location"] = self.hub.start()
            return response

        if sub in ("/dashboard.js", "/dashboard.css") and method == "GET":
            kind = "text/javascript" if sub.endswith(".js") else "text/css"
            return Response(_template(sub[1:]), mimetype=kind)
        if sub == "/login" and method == "POST":
            return self.login(request)
        if not self.is_instructor(request):
            return _error("Sign in to the dashboard with the workshop secret.", 401)
        if method == "POST" and not request.is_json:
            return _error("Send a JSON body (Content-Type: application/json).", 415)
        routes = {
            ("GET", "/api/progress"): self.api_progress,
            ("GET", "/api/export.json"): self.api_export_json,
            ("GET", "/api/export.csv"): self.api_export_csv,
            ("POST", "/api/reset"): self.api_reset,
            ("POST", "/api/fault"): self.api_fault,
            ("POST", "/api/end"): self.api_end,
            ("POST", "/logout"): self.logout,
        }
        view = routes.get((method, sub))
        if view is None:
            return _error("Unknown workshop call.", 404)
        try:
            return view(request)
        except (KeyError, TypeError, ValueError) as err:
            return _error(f"Bad request: {err}", 400)

    def _page(self, html: str, status: int = 200) -> Response:
        response = Response(html, status, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin null
        return response

    # -- the instructor ---------------------------------------------------------------------
    def _login_page(self, error: str = "", status: int = 200) -> Response:
        html = _template("login.html")
        if self.hub is not None:
            html = html.replace(
                "<!--hub-->",
                '<p><a class="ws-hub-login" href="hub-login">Sign in with JupyterHub</a> '
                "(hub admins and the instructors group), or use the secret:</p>",
            )
        if error:
            html = html.replace("<!--error-->", f'<p class="error" role="alert">{error}</p>')
        return self._page(html, status)

    def hub_callback(self, request: Request) -> Response:
        try:
            name, allowed = self.hub.finish(request.args.get("code", ""), request.args.get("state", ""))  # type: ignore[union-attr]
        except ValueError as err:
            return self._page(f"<p>{html.escape(str(err))}.</p>", 400)
        if not allowed:
            return self._page(
                f"<p>The hub user {html.escape(name)} is not an instructor of this workshop.</p>",
                403,
            )
        return self._signed_in(request, location=PREFIX.lstrip("/") + "/")

    def login(self, request: Request) -> Response:
        given = request.form.get("secret", "")
        if not (given and secrets.compare_digest(given.encode(), self.app.auth.secret.encode())):
            return self._login_page("That is not the workshop secret.", 401)
        return self._signed_in(request)

    def _signed_in(self, request: Request, location: str = "./") -> Response:
        response = Response("", 303)
        response.headers["Location"] = location
        response.set_cookie(
            COOKIE,
            self._new_session(),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="Strict",
            path=(request.script_root or "") + PREFIX,
        )
        return response

    def logout(self, request: Request) -> Response:
        with self.lock:
            self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        response = json_response({"signed_out": True})
        response.delete_cookie(COOKIE, path=(request.script_root or "") + PREFIX)
        return response

    def rows(self) -> list[progress.LearnerProgress]:
        """Progress of every learner (spares last), computed now."""
        now = self.clock()
        activity = self.app.activity.snapshot()
        with self.lock:
            reports = {k: dict(v) for k, v in self.reports.items()}
            faults = dict(self.faults)
        return [
            progress.compute(
                name,
                self.roster.accounts.get(name, ""),
                activity.get(name),
                reports.get(name),
                now=now,
                stuck_minutes=self.stuck_minutes,
                error_limit=self.error_limit,
                fault=faults.get(name),
            )
            for name in self.roster.everyone()
        ]

    def api_progress(self, request: Request) -> Response:
        rows = self.rows()
        body = {
            "now": self.clock(),
            "stuck_minutes": self.stuck_minutes,
            "steps": [{"id": s, "title": t} for s, t, *_ in progress.STEPS],
            "faults": FAULTS,
            "learners": [r.as_dict() for r in rows],
            "summary": {
                state: sum(1 for r in rows if r.state == state)
                for state in ("not started", "working", "stuck", "finished")
            },
        }
        response = json_response(body)
        response.headers["Cache-Control"] = "no-store"
        return response

    def api_export_json(self, request: Request) -> Response:
        response = json_response(progress.to_json(self.rows()))
        response.headers["Content-Disposition"] = 'attachment; filename="workshop-progress.json"'
        return response

    def api_export_csv(self, request: Request) -> Response:
        response = Response(progress.to_csv(self.rows()), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="workshop-progress.csv"'
        return response

    def _learner(self, body: dict[str, Any]) -> str:
        name = str(body["learner"])
        if name not in self.roster.everyone():
            raise ValueError(f"{name!r} is not a learner of this workshop")
        return name

    def api_reset(self, request: Request) -> Response:
        name = self._learner(request.get_json(force=True))
        return json_response(self.reset(name))

    def reset(self, name: str) -> dict[str, Any]:
        """Tokens revoked, buckets deleted, a new password (returned once), record cleared."""
        from sso_kit.sandbox.passwords import new_password

        tokens = self.app.oidc.end_sessions(name, "revoke")
        buckets = delete_account_buckets(self.roster.accounts[name])
        password = new_password()
        self.app.directory.set_password(name, password)
        self.app.activity.forget(name)
        with self.lock:
            self.reports.pop(name, None)
            self.faults.pop(name, None)
        return {"learner": name, "tokens": tokens, "buckets": buckets, "password": password}

    def api_fault(self, request: Request) -> Response:
        body = request.get_json(force=True)
        name = self._learner(body)
        kind = body.get("kind") or None
        if kind is not None and kind not in FAULTS:
            raise ValueError(f"kind must be one of {', '.join(FAULTS)} (or null to clear)")
        with self.lock:
            if kind in (None, "expired_token"):
                self.faults.pop(name, None)
            else:
                self.faults[name] = kind
        tokens = self.app.oidc.end_sessions(name, "expire") if kind == "expired_token" else 0
        return json_response({"learner": name, "fault": self.faults.get(name), "tokens": tokens})

    def api_end(self, request: Request) -> Response:
        """End every learner's session (tokens revoked; role credentials expire on their own)."""
        return json_response({"tokens": self.app.oidc.end_sessions(None, "revoke")})

    # -- the learners -----------------------------------------------------------------------
    def report(self, request: Request) -> Response:
        """A learner's kernel reports its step checks, signed with the learner's SSO token."""
        token = self.app.oidc.validate_access_token(self._bearer(request))
        if token is None:
            return _error("Report with your own live SSO access token (log in first).", 401)
        if (request.content_length or 0) > MAX_REPORT or not request.is_json:
            return _error("A report is a small JSON object.", 413)
        body = request.get_json(force=True, silent=True)
        checks = body.get("checks") if isinstance(body, dict) else None
        if not isinstance(checks, dict):
            return _error('A report looks like {"checks": {"05": {"ok": true}}}.', 400)
        now = self.clock()
        clean = {
            str(cid)[:32]: {"ok": bool(c.get("ok")), "at": now}
            for cid, c in list(checks.items())[:50]
            if isinstance(c, dict)
        }
        with self.lock:
            mine = self.reports.setdefault(token.user, {})
            for cid, record in clean.items():
                if mine.get(cid, {}).get("ok") != record["ok"]:
                    mine[cid] = record
        return json_response({"learner": token.user, "accepted": sorted(clean)})
