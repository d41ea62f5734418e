"""One WSGI app on one port: SSO OIDC, the portal, the pages and the admin API, else moto.

SSO OIDC and portal calls are unsigned REST-JSON that moto's dispatcher would hand to S3, so
they are routed here first — by path *and* by the absence of a SigV4 signature (or, for the
portal, the presence of the ``x-amz-sso_bearer_token`` header), because an S3 bucket may well
be called ``token``. Everything else goes to moto's own server app with its authentication on,
so each S3 call is checked for a valid signature and against the caller's IAM policies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from sso_kit.sandbox import activity, persistence
from sso_kit.sandbox.directory import DEFAULT_USER, Directory
from sso_kit.sandbox.oidc import exceptions as oidc_exc
from sso_kit.sandbox.oidc import urls as oidc_urls
from sso_kit.sandbox.oidc.models import Lifetimes, OidcBackend
from sso_kit.sandbox.pages.views import PageError, Pages
from sso_kit.sandbox.portal import exceptions as portal_exc
from sso_kit.sandbox.portal import urls as portal_urls
from sso_kit.sandbox.portal.models import PortalBackend

log = logging.getLogger("sso_kit.sandbox")

MAX_BODY = 64 * 1024  # our endpoints take small JSON or form bodies
BEARER_ENVIRON = "sso_kit.bearer_token"
SERVER_DATE_ENVIRON = "sso_kit.server_sets_date"
ADMIN_HEADER = "X-Sso-Kit-Admin-Key"
FAULT_KINDS = ("slow_down", "deny", "delay", "server_error", "drop")
MAX_SKEW = 10 * 365 * 24 * 3600  # seconds: ten years either way


class DropConnection(Exception):
    """Raised to close the client's connection without an HTTP response."""


def enable_moto_auth() -> None:
    """Turn on moto's SigV4 + IAM checks for every request and load AWS managed policies."""
    import os

    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto import settings

    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = "" if data is None else json.dumps(data)
    response = Response(body, status, mimetype="application/json")
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _is_signed(request: Request) -> bool:
    return "Authorization" in request.headers or "X-Amz-Signature" in request.args


class SandboxApp:
    """The WSGI application. ``directory`` and ``oidc`` hold all sandbox state."""

    def __init__(
        self,
        directory: Directory,
        oidc: OidcBackend,
        *,
        public_url: str | None = None,
        prefix: str = "",
        admin_key: str | None = None,
        moto_app: Any = None,
    ) -> None:
        self.directory = directory
        self.oidc = oidc
        self.portal = PortalBackend(oidc, directory)
        self.pages = Pages(self)
        self.public_url = public_url.rstrip("/") if public_url else None
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.admin_key = admin_key
        if moto_app is None:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            moto_app = DomainDispatcherApplication(create_backend_app)
        self.moto_app = moto_app
        self.activity = activity.ActivityLog()
        #: Extra routes asked first (see :meth:`mount`), e.g. the workshop's dashboard.
        self.routes: list[Callable[[Request, str], Response | None]] = []

    def mount(self, route: Callable[[Request, str], Response | None]) -> None:
        """Add a route asked before the sandbox's own: it returns a Response, or None to pass."""
        self.routes.append(route)

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
            environ["PATH_INFO"] = path = path[len(self.prefix) :] or "/"

        def dated_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            # The real server writes Date itself (from the same clock, see the handler).
            headers = [(k, v) for k, v in headers if k.lower() != "date"]
            if SERVER_DATE_ENVIRON not in environ:
                headers.append(("Date", formatdate(self.oidc.clock.now(), usegmt=True)))
            return start_response(status, headers, *exc)

        request = Request(environ)
        try:
            response = self.dispatch(request, path)
        except DropConnection:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            return []
        if response is None:
            return activity.observe_moto(
                self.activity, environ, self.moto_app, dated_start_response
            )
        return response(environ, dated_start_response)

    def base_url(self, request: Request) -> str:
        """Where browsers and clients reach us: the public URL, else this request's host."""
        if self.public_url:
            return self.public_url
        return request.host_url.rstrip("/") + request.script_root

    def dispatch(self, request: Request, path: str) -> Response | None:
        for route in self.routes:
            if (answer := route(request, path)) is not None:
                return answer
        if path.startswith("/_sandbox/"):
            return self.admin(request, path)
        if path.startswith("/moto-api"):
            return json_response({"message": "The moto admin API is disabled in the sandbox."}, 403)
        key = (request.method, path)
        bearer = request.environ.get(BEARER_ENVIRON) or request.headers.get(
            "x-amz-sso_bearer_token"
        )
        if key in portal_urls.url_paths and (bearer or not _is_signed(request)):
            return self.portal_call(request, key, bearer)
        if _is_signed(request):
            return self.fault_for_moto(request)
        if key in oidc_urls.url_paths:
            return self.oidc_call(request, key)
        page = self.pages.handle(request, path)
        if page is not None:
            return page
        # moto with authentication on fails with a 500 on unsigned calls: answer as S3 does.
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
            "<Message>Anonymous requests are not allowed in the sandbox: sign the request "
            "with role credentials from the portal.</Message></Error>"
        )
        return Response(body, 403, mimetype="application/xml")

    # -- faults -------------------------------------------------------------------------
    def _server_fault(self, operation: str) -> bool:
        """Apply a server_error/drop fault for ``operation``; True when a 500 is due."""
        with self.oidc.lock:  # check and count down as one step: a count=1 fault fires once
            kind = self.oidc.faults.kind(operation)
            if kind not in ("server_error", "drop"):
                return False
            self.oidc.faults.consume(operation)
        if kind == "drop":
            raise DropConnection()
        return True

    def fault_for_moto(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        scope = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
        service = scope[3] if len(scope) > 3 else "s3"
        if self._server_fault(service):
            return Response("", 500)
        return None

    # -- OIDC and portal ------------------------------------------------------------------
    def _read_json(self, request: Request) -> dict[str, Any]:
        length = request.content_length or 0
        if length > MAX_BODY:
            raise oidc_exc.InvalidRequest(f"Request body is larger than {MAX_BODY} bytes")
        # Read at most one byte past the limit: a chunked body has no length to check first.
        raw = b""
        while len(raw) <= MAX_BODY:
            part = request.stream.read(MAX_BODY + 1 - len(raw))
            if not part:
                break
            raw += part
        if len(raw) > MAX_BODY:
            raise oidc_exc.InvalidRequest(f"Request body is larger than {MAX_BODY} bytes")
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise oidc_exc.InvalidRequest("Request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise oidc_exc.InvalidRequest("Request body must be a JSON object")
        return body

    def oidc_call(self, request: Request, key: tuple[str, str]) -> Response:
        operation, handler = oidc_urls.url_paths[key]
        body: dict[str, Any] = {}
        try:
            if self._server_fault(operation):
                raise oidc_exc.InternalServer()
            body = self._read_json(request)
            result = handler(self.oidc, body, self.base_url(request))
        except oidc_exc.OidcError as err:
            status = 413 if "larger than" in err.description else err.status
            activity.observe_oidc(self.activity, self.oidc, operation, body, None, err.code, status)
            return json_response(err.body(), status, err.headers())
        activity.observe_oidc(self.activity, self.oidc, operation, body, result, None, 200)
        return json_response(result)

    def portal_call(self, request: Request, key: tuple[str, str], bearer: str | None) -> Response:
        operation, handler = portal_urls.url_paths[key]
        try:
            if self._server_fault(operation):
                raise portal_exc.InternalServer()
            if (request.content_length or 0) > MAX_BODY:
                raise portal_exc.InvalidRequest("Request body is too large")
            result = handler(self.portal, bearer, request.args)
        except portal_exc.PortalError as err:
            activity.observe_portal(
                self.activity, self.oidc, operation, bearer, None, err.code, err.status
            )
            return json_response(err.body(), err.status, err.headers())
        activity.observe_portal(self.activity, self.oidc, operation, bearer, result, None, 200)
        return json_response(result)

    # -- admin API ------------------------------------------------------------------------
    def _admin_allowed(self, request: Request) -> bool:
        import secrets

        given = request.headers.get(ADMIN_HEADER, "")
        if self.admin_key and given and secrets.compare_digest(given, self.admin_key):
            return True
        return request.remote_addr in ("127.0.0.1", "::1")

    def info(self) -> dict[str, Any]:
        return {
            "service": "sso-kit-sandbox",
            "start_url": self.directory.start_url,
            "sso_region": self.directory.region,
            "public_url": self.public_url,
            "default_user": DEFAULT_USER if DEFAULT_USER in self.directory.user_names() else None,
            "accounts": list(self.directory.accounts),
            "auto_approve": bool(self.oidc.auto_approve_user),
        }

    def admin(self, request: Request, path: str) -> Response:
        if path == "/_sandbox/health" and request.method == "GET":
            return json_response(self.info())
        if not path.startswith("/_sandbox/admin/") or request.method != "POST":
            return json_response({"message": "Unknown sandbox admin call."}, 404)
        if not self._admin_allowed(request):
            return json_response({"message": "The admin API needs the admin key header."}, 403)
        action = path.removeprefix("/_sandbox/admin/")
        try:
            body = self._read_json(request)
            result = self.run_admin(action, body)
        except oidc_exc.OidcError as err:
            return json_response({"message": err.description}, 400)
        except (KeyError, TypeError, ValueError) as err:
            return json_response({"message": f"Bad admin request: {err}"}, 400)
        except PageError as err:
            return json_response({"message": err.message}, err.status)
        return json_response(result)

    def run_admin(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """The fault switches and helpers behind ``Sandbox``'s methods."""
        oidc = self.oidc
        if action == "approve":
            session = self.pages.new_session()
            self.pages.submit_code(session, str(body["user_code"]))
            self.pages.sign_in(session, str(body["username"]), str(body["password"]))
            self.pages.consent(session, bool(body.get("allow", True)))
            return {"approved": bool(body.get("allow", True))}
        if action in ("expire_tokens", "revoke_tokens"):
            how = "revoke" if action == "revoke_tokens" else "expire"
            return {"tokens": oidc.end_sessions(body.get("user"), how)}
        if action == "set_fault":
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
            with oidc.lock:
                oidc.faults.operations[operation] = {
                    "kind": kind,
                    "count": None if count is None else int(count),
                }
            return {"faults": oidc.faults.operations}
        if action == "skew_clock":
            seconds = float(body["seconds"])
            # NaN, infinity or centuries would break the Date header of every response.
            if not abs(seconds) <= MAX_SKEW:
                raise ValueError(f"seconds must be a number between -{MAX_SKEW} and {MAX_SKEW}")
            oidc.clock.skew = seconds
            return {"skew": oidc.clock.skew}
        if action == "remove_assignment":
            removed = self.directory.remove_assignment(
                str(body["user"]), str(body["account_id"]), str(body["permission_set"])
            )
            return {"removed": removed}
        if action == "add_assignment":
            self.directory.assign(
                str(body["user"]), str(body["account_id"]), str(body["permission_set"])
            )
            return {"added": True}
        if action == "admin_credentials":
            key_id, secret = self.directory.admin_keys or self.directory.ensure_admin()
            return {"aws_access_key_id": key_id, "aws_secret_access_key": secret}
        if action == "invite":
            user = str(body["user"])
            password = self.directory.invite(user, body.get("password") or None)
            return {"user": user, "password": password}
        if action == "set_lifetimes":
            known = {f.name for f in dataclasses.fields(Lifetimes)}
            changes = {k: int(v) for k, v in body.items() if v is not None}
            for name, value in changes.items():
                if name not in known:
                    raise ValueError(f"unknown lifetime {name!r}; known: {', '.join(known)}")
                # 0 or less would expire everything at once, or make clients poll non-stop.
                if value < 1:
                    raise ValueError(f"lifetime {name!r} must be at least 1 second")
            for name, value in changes.items():
                setattr(oidc.lifetimes, name, value)
            return {"lifetimes": vars(oidc.lifetimes)}
        if action == "reset_faults":
            with oidc.lock:
                oidc.faults.operations.clear()
                oidc.clock.skew = 0.0
                oidc.lifetimes.__init__()  # type: ignore[misc]
            return {"reset": True}
        raise ValueError(f"unknown admin action {action!r}")

    # -- persistence ----------------------------------------------------------------------
    def export_state(self) -> dict[str, Any]:
        return {
            "version": 1,
            "directory": self.directory.export(),
            "oidc": self.oidc.export(),
            "buckets": persistence.export_buckets(),
        }


def build_app(
    *,
    seed: dict[str, Any],
    learners: int = 0,
    auto_approve: bool = False,
    public_url: str | None = None,
    prefix: str = "",
    admin_key: str | None = None,
    data_dir: Path | None = None,
    passwords: dict[str, str] | None = None,
    lifetimes: Lifetimes | None = None,
) -> SandboxApp:
    """Seed (or restore from ``data_dir``) the directory and build the app."""
    enable_moto_auth()
    saved = persistence.load(data_dir) if data_dir else None
    oidc = OidcBackend(lifetimes=lifetimes)
    if saved:
        directory = Directory(saved["directory"]["seed"])
        directory.apply_seed(
            passwords=saved["directory"].get("passwords", {}),
            admin=saved["directory"].get("admin"),
        )
        oidc.restore(saved.get("oidc", {}))
        persistence.restore_buckets(saved.get("buckets", {}))
    else:
        directory = Directory(seed)
        directory.apply_seed(learners=learners, passwords=passwords)
    oidc.start_urls = {directory.start_url}
    if auto_approve:
        oidc.auto_approve_user = (
            DEFAULT_USER if DEFAULT_USER in directory.users else next(iter(directory.users), None)
        )
    return SandboxApp(directory, oidc, public_url=public_url, prefix=prefix, admin_key=admin_key)


def make_request_handler() -> type:
    """moto's handler (keeps S3 metadata headers) that also keeps ``x-amz-sso_bearer_token``.

    Werkzeug's server drops header names containing ``_``; the portal's bearer header has them.
    It is passed on under a private environ key so it cannot be confused with a dashed header.
    """
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class Handler(MotoRequestHandler):
        def make_environ(self) -> dict[str, Any]:
            environ = super().make_environ()
            value = self.headers.get("x-amz-sso_bearer_token")
            if value is not None:
                environ[BEARER_ENVIRON] = value.strip()
            environ[SERVER_DATE_ENVIRON] = True
            return environ

        def date_time_string(self, timestamp: float | None = None) -> str:
            # The Date header follows the sandbox clock, so the clock-skew fault shows.
            app = self.server.app  # type: ignore[attr-defined]
            return formatdate(app.oidc.clock.now(), usegmt=True)

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            # Request lines can hold codes in query strings: log method + path only.
            log.debug("%s %s -> %s", self.command, self.path.split("?", 1)[0], code)

    return Handler


class ServerThread:
    """werkzeug's threaded server in a daemon thread (``port=0`` picks a free port)."""

    def __init__(self, app: SandboxApp, host: str, port: int) -> None:
        from werkzeug.serving import ThreadedWSGIServer

        class Server(ThreadedWSGIServer):
            # A workshop's learners connect in the same second: a short listen backlog
            # overflows and their connects wait for TCP retries (seconds), so keep a long one.
            request_queue_size = 1024

        self.server = Server(host, port, app, handler=make_request_handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="sso-kit-sandbox", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
