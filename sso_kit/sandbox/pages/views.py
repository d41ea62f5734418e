"""The pages a learner uses in a browser, and the approval path shared with ``Sandbox.approve``.

Plain HTML forms (no JavaScript), relative links only so everything works under a proxy path
prefix, a CSRF token per browser session, and rate limits on failed code entries and
sign-ins. :meth:`Pages.submit_code`, :meth:`Pages.sign_in` and :meth:`Pages.consent` are the one
code path for approvals: the web forms call them, and so does the admin ``approve`` call.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from string import Template

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from sso_kit.sandbox.directory import Directory
from sso_kit.sandbox.limits import FailureLimiter
from sso_kit.sandbox.oidc import exceptions as oidc_exc
from sso_kit.sandbox.oidc.models import OidcBackend, normalize_user_code

COOKIE = "sso_sandbox_sid"
MAX_FORM = 16_384  # bytes: the forms hold a code, a user name and a password

# Wrong user codes (see docs/sandbox-admin.md for what these numbers mean for guessing):
# per client address 10 free, then a wait doubling from 30 s up to 5 minutes; for everybody
# together at most CODE_GLOBAL_FAILURES per device-code lifetime (600 s).
CODE_FREE_PER_SOURCE = 10
CODE_GLOBAL_FAILURES = 300
CODE_WINDOW = 600.0
# Wrong passwords: per (client address, user name) 5 free, then 30 s doubling up to 5 min.
SIGNIN_FREE = 5
SIGNIN_WINDOW = 900.0


def _template(name: str) -> Template:
    return Template(resources.files(__package__).joinpath("templates", name).read_text("utf-8"))


_CACHE: dict[str, Template] = {}


def render(name: str, **values: str) -> str:
    """Fill a template; values are HTML-escaped unless the key ends in ``_html``."""
    template = _CACHE.get(name) or _CACHE.setdefault(name, _template(name))
    return template.substitute(
        {
            k.removesuffix("_html"): v if k.endswith("_html") else html.escape(v)
            for k, v in values.items()
        }
    )


@dataclass
class WebSession:
    sid: str
    csrf: str
    user: str | None = None
    pending: tuple[str, str] | None = (
        None  # ("device", user_code) | ("authorize", id) | ("portal", "")
    )
    created: float = field(default_factory=time.monotonic)


def _source(request: Request) -> str:
    """Where a form post comes from, for the failure limits."""
    return request.remote_addr or "unknown"


class PageError(Exception):
    """A form problem shown to the person; ``status`` is the HTTP status of the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Pages:
    """The sign-in pages over the directory (passwords) and the OIDC state (codes)."""

    def __init__(self, directory: Directory, oidc: OidcBackend) -> None:
        self.directory = directory
        self.oidc = oidc
        self.sessions: dict[str, WebSession] = {}
        self.code_limiter = FailureLimiter(CODE_FREE_PER_SOURCE, CODE_WINDOW, backoff=True)
        self.code_global = FailureLimiter(CODE_GLOBAL_FAILURES, CODE_WINDOW)
        self.signin_limiter = FailureLimiter(SIGNIN_FREE, SIGNIN_WINDOW, backoff=True)
        self.lock = threading.Lock()

    # -- the approval path (forms and Sandbox.approve) -----------------------------------
    def new_session(self) -> WebSession:
        session = WebSession(sid=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(24))
        with self.lock:
            if len(self.sessions) > 10_000:  # bound memory: drop the oldest
                for sid in list(self.sessions)[:1000]:
                    self.sessions.pop(sid, None)
            self.sessions[session.sid] = session
        return session

    def submit_code(self, session: WebSession, user_code: str, source: str) -> None:
        """Bind a typed user code to this session; ``source`` is the client's address.

        Wrong codes count against the source and against everybody together, never against
        a cookie (a fresh cookie is free to get).
        """
        wait = max(self.code_limiter.blocked(source), self.code_global.blocked("*"))
        if wait:
            raise PageError(f"Too many wrong codes. Wait {wait} seconds, then try again.", 429)
        device = self.oidc.claim(user_code or "")
        if device is None:
            self.code_limiter.fail(source)
            self.code_global.fail("*")
            raise PageError(
                "That code is not valid, already used or expired. Check the code your CLI or "
                "notebook shows, or start the login again for a new one."
            )
        session.pending = ("device", normalize_user_code(user_code))

    def sign_in(self, session: WebSession, username: str, password: str, source: str) -> None:
        """Check a password; failures slow down this source for this name, not the owner."""
        username = (username or "").strip()
        key = f"{source}|{username.lower()}"
        wait = self.signin_limiter.blocked(key)
        if wait:
            raise PageError(f"Too many failed sign-ins. Wait {wait} seconds, then try again.", 429)
        if not self.directory.authenticate(username, password or ""):
            self.signin_limiter.fail(key)
            raise PageError("The username or password is not correct.", 401)
        self.signin_limiter.clear(key)
        session.user = username

    def consent(self, session: WebSession, allow: bool) -> str | None:
        """Record the decision; returns a redirect URL for PKCE, else None."""
        if session.user is None or session.pending is None:
            raise PageError("Your sign-in request expired. Start again from your CLI.", 400)
        kind, ref = session.pending
        session.pending = None
        try:
            if kind == "device":
                self.oidc.decide(ref, session.user, allow)
                return None
            if kind == "authorize":
                return self.oidc.finish_authorize(ref, session.user, allow)
        except LookupError as err:
            raise PageError(str(err), 400) from None
        raise PageError("There is nothing to approve.", 400)

    # -- HTTP -----------------------------------------------------------------------------
    def page(
        self, title: str, body: str, status: int = 200, session: WebSession | None = None
    ) -> Response:
        response = Response(
            render("base.html", title=title, body_html=body), status, mimetype="text/html"
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; form-action 'self' http://127.0.0.1:*"
        )
        if session is not None:
            response.set_cookie(COOKIE, session.sid, httponly=True, samesite="Lax")
        return response

    def _session(self, request: Request) -> WebSession:
        session = self.sessions.get(request.cookies.get(COOKIE, ""))
        return session or self.new_session()

    def _error(self, message: str) -> str:
        return f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""

    def code_form(
        self, session: WebSession, user_code: str = "", error: str = "", status: int = 200
    ) -> Response:
        body = render(
            "code.html", csrf=session.csrf, user_code=user_code, error_html=self._error(error)
        )
        return self.page("Authorize request", body, status, session)

    def signin_form(
        self, session: WebSession, error: str = "", status: int = 200, username: str = ""
    ) -> Response:
        intro = "Sign in with your IAM Identity Center user name and password."
        body = render(
            "signin.html",
            intro=intro,
            csrf=session.csrf,
            username=username,
            error_html=self._error(error),
        )
        return self.page("Sign in", body, status, session)

    def consent_form(self, session: WebSession) -> Response:
        kind, ref = session.pending or ("", "")
        code = ""
        if kind == "device":
            code = f"<p>Code: <kbd>{html.escape(ref)}</kbd>. Only allow if it matches the code on your screen.</p>"
        body = render(
            "consent.html",
            user=session.user or "",
            what="The AWS CLI or SDK (botocore)"
            if kind == "device"
            else "An application on this computer",
            scopes="sso:account:access",
            code_html=code,
            csrf=session.csrf,
        )
        return self.page("Allow access?", body, 200, session)

    def message(
        self, title: str, message: str, kind: str, next_step: str, status: int = 200
    ) -> Response:
        body = render("message.html", message=message, kind=kind, next=next_step)
        return self.page(title, body, status)

    def next_step(self, session: WebSession) -> Response:
        """After a successful step, show what comes next for this browser session."""
        if session.user is None:
            return self.signin_form(session)
        if session.pending and session.pending[0] == "portal":
            session.pending = None
            return self.portal(session)
        if session.pending:
            return self.consent_form(session)
        return self.code_form(session)

    def handle(self, request: Request, path: str) -> Response | None:
        """Serve a page, or return None when ``path`` is not a page."""
        method = request.method
        if path == "/style.css" and method == "GET":
            css = resources.files(__package__).joinpath("templates", "style.css").read_text("utf-8")
            return Response(css, mimetype="text/css")
        if path in ("/", "/start") and method == "GET":
            body = render(
                "index.html",
                start_url=self.directory.start_url,
                region=self.directory.region,
            )
            return self.page("IAM Identity Center sandbox", body)
        routes = {
            ("GET", "/device"): self.get_device,
            ("POST", "/device"): self.post_device,
            ("POST", "/signin"): self.post_signin,
            ("POST", "/consent"): self.post_consent,
            ("GET", "/portal"): self.get_portal,
            ("GET", "/authorize"): self.get_authorize,
        }
        view = routes.get((method, path))
        if view is None:
            return None
        session = self._session(request)
        if method == "POST":
            # Enforced while reading too, so a chunked body (no Content-Length) is bounded.
            request.max_content_length = MAX_FORM
            try:
                request.form  # noqa: B018 - parse (and cache) the form within the limit
            except RequestEntityTooLarge:
                return self.message(
                    "Request too large",
                    "The form is too large.",
                    "error",
                    "Go back and try again.",
                    413,
                )
            if not secrets.compare_digest(request.form.get("csrf", ""), session.csrf):
                return self.message(
                    "Session expired",
                    "This form is out of date (its security token does not match).",
                    "error",
                    "Open the link from your CLI or notebook again.",
                    400,
                )
        return view(request, session)

    def get_device(self, request: Request, session: WebSession) -> Response:
        return self.code_form(session, request.args.get("user_code", "")[:20])

    def post_device(self, request: Request, session: WebSession) -> Response:
        code = request.form.get("user_code", "")[:20]
        try:
            self.submit_code(session, code, _source(request))
        except PageError as err:
            return self.code_form(session, code, err.message, err.status)
        return self.next_step(session)

    def post_signin(self, request: Request, session: WebSession) -> Response:
        username = request.form.get("username", "")[:128]
        try:
            self.sign_in(
                session, username, request.form.get("password", "")[:256], _source(request)
            )
        except PageError as err:
            return self.signin_form(session, err.message, err.status, username)
        return self.next_step(session)

    def post_consent(self, request: Request, session: WebSession) -> Response:
        allow = request.form.get("decision") == "allow"
        try:
            redirect = self.consent(session, allow)
        except PageError as err:
            return self.message(
                "Something went wrong",
                err.message,
                "error",
                "Start the login again from your CLI or notebook.",
                err.status,
            )
        if redirect:
            response = Response("", 302)
            response.headers["Location"] = redirect
            return response
        if allow:
            return self.message(
                "Request approved",
                "Request approved. You can close this window.",
                "ok",
                "Go back to your CLI or notebook: it finishes signing in by itself.",
            )
        return self.message(
            "Request denied",
            "Request denied. Nothing was shared.",
            "error",
            "Your CLI or notebook will report that access was denied.",
        )

    def get_portal(self, request: Request, session: WebSession) -> Response:
        if session.user is None:
            session.pending = ("portal", "")
            return self.signin_form(session)
        return self.portal(session)

    def portal(self, session: WebSession) -> Response:
        directory = self.directory
        rows: dict[str, list[str]] = {}
        for account, role in directory.assignments(session.user or ""):
            rows.setdefault(account, []).append(role)
        if rows:
            items = []
            for account, roles in rows.items():
                info = directory.account_info(account)
                role_items = "".join(f"<li>{html.escape(r)}</li>" for r in roles)
                items.append(
                    f"<li><strong>{html.escape(info['accountName'])}</strong> "
                    f"<code>{html.escape(account)}</code> ({html.escape(info['emailAddress'])})"
                    f'<ul class="roles">{role_items}</ul></li>'
                )
            accounts = f'<ul class="accounts">{"".join(items)}</ul>'
        else:
            accounts = "<p>No AWS accounts are assigned to you yet. Ask your administrator.</p>"
        body = render(
            "portal.html",
            user=session.user or "",
            start_url=directory.start_url,
            region=directory.region,
            accounts_html=accounts,
        )
        return self.page("AWS access portal", body, 200, session)

    def get_authorize(self, request: Request, session: WebSession) -> Response:
        try:
            authz = self.oidc.begin_authorize(dict(request.args.items()))
        except oidc_exc.OidcError as err:
            return self.message(
                "Cannot sign in",
                err.description,
                "error",
                "Start the login again from your CLI.",
                400,
            )
        session.pending = ("authorize", authz.request_id)
        auto_user = self.oidc.auto_approve_user
        if auto_user:
            session.user = session.user or auto_user
            response = Response("", 302)
            response.headers["Location"] = self.consent(session, True) or ""
            return response
        return self.next_step(session)
