"""One WSGI app on one port: SSO OIDC, the portal, the pages and the admin API, else moto.

SSO OIDC and portal calls are unsigned REST-JSON that moto's dispatcher would hand to S3, so
they are routed here first — by path *and* by the absence of a SigV4 signature (or, for the
portal, the presence of the ``x-amz-sso_bearer_token`` header), because an S3 bucket may well
be called ``token``. Everything else goes to moto's own server app with its authentication on,
so each S3 call is checked for a valid signature and against the caller's IAM policies.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import uuid
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from sso_kit.sandbox import activity, persistence
from sso_kit.sandbox.admin import urls as admin_urls
from sso_kit.sandbox.admin.auth import CHALLENGE, AdminAuth, new_secret
from sso_kit.sandbox.directory import DEFAULT_USER, Directory
from sso_kit.sandbox.oidc import exceptions as oidc_exc
from sso_kit.sandbox.oidc import urls as oidc_urls
from sso_kit.sandbox.oidc.models import Lifetimes, OidcBackend
from sso_kit.sandbox.pages.views import PageError, Pages
from sso_kit.sandbox.portal import exceptions as portal_exc
from sso_kit.sandbox.portal import urls as portal_urls
from sso_kit.sandbox.portal.models import PortalBackend
from sso_kit.sandbox.serving import BEARER_ENVIRON, SOCKET_ENVIRON, ServerThread

__all__ = ["BEARER_ENVIRON", "SOCKET_ENVIRON", "SandboxApp", "ServerThread", "build_app"]


MAX_BODY = 64 * 1024  # our endpoints take small JSON or form bodies


class DropConnection(Exception):
    """Raised to close the client's connection without an HTTP response."""


def enable_moto_auth() -> None:
    """Turn on moto's SigV4 + IAM checks for every request and load AWS managed policies."""
    import os

    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto import settings

    from sso_kit.sandbox.moto_iam import load_managed_policies_once

    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    load_managed_policies_once()


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = "" if data is None else json.dumps(data)
    response = Response(body, status, mimetype="application/json")
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@functools.lru_cache(maxsize=4)
def _http_date_of_second(second: int) -> str:
    return formatdate(second, usegmt=True)


def http_date(now: float) -> str:
    """``formatdate(now, usegmt=True)``, formatted once per second of the (sandbox) clock."""
    second = int(now)
    if not 0 <= now - second < 0.999:  # near the next second formatdate may round up
        return formatdate(now, usegmt=True)
    return _http_date_of_second(second)


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
        admin_secret: str | None = None,
        allowed_hosts: tuple[str, ...] = (),
        moto_app: Any = None,
    ) -> None:
        self.directory = directory
        self.oidc = oidc
        self.portal = PortalBackend(oidc, directory)
        self.pages = Pages(directory, oidc)
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.auth = AdminAuth(admin_secret or new_secret(), allowed_hosts=allowed_hosts)
        self.public_url = public_url
        if moto_app is None:
            from sso_kit.sandbox.moto_app import CachedDispatcher

            moto_app = CachedDispatcher()
        self.moto_app = moto_app
        self.activity = activity.ActivityLog()
        #: Extra routes asked first (see :meth:`mount`), e.g. the workshop's dashboard.
        self.routes: list[Callable[[Request, str], Response | None]] = []

    def mount(self, route: Callable[[Request, str], Response | None]) -> None:
        """Add a route asked before the sandbox's own: it returns a Response, or None to pass."""
        self.routes.append(route)

    @property
    def public_url(self) -> str | None:
        """The base URL browsers use; admin calls are also accepted on its host."""
        return self._public_url

    @public_url.setter
    def public_url(self, value: str | None) -> None:
        self._public_url = value.rstrip("/") if value else None
        self.auth.set_public_url(self._public_url)

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
            environ["PATH_INFO"] = path = path[len(self.prefix) :] or "/"

        def dated_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            # The Date header follows the sandbox clock, so the clock-skew fault shows.
            headers = [(k, v) for k, v in headers if k.lower() != "date"]
            headers.append(("Date", http_date(self.oidc.clock.now())))
            return start_response(status, headers, *exc)

        request = Request(environ)
        try:
            response = self.dispatch(request, path)
        except DropConnection:
            sock = environ.get(SOCKET_ENVIRON)
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
        if not self.oidc.faults.operations:  # none set (the usual case): no lock to wait for
            return False
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
        """``/_sandbox/…``: health and login are public; every admin route needs the secret."""
        if path == admin_urls.HEALTH and request.method == "GET":
            return json_response(self.info())
        if path == admin_urls.LOGIN and request.method in ("GET", "POST"):
            request.max_content_length = MAX_BODY
            return self.auth.login(request, self.pages.signin_limiter)
        refusal = self.auth.check(request)
        if refusal is not None:
            headers = {"WWW-Authenticate": CHALLENGE} if refusal.status == 401 else None
            return json_response({"message": refusal.message}, refusal.status, headers)
        route = admin_urls.url_paths.get((request.method, path))
        if route is None:
            return json_response({"message": "Unknown sandbox admin call."}, 404)
        _operation, handler = route
        try:
            body = self._read_json(request) if request.method == "POST" else dict(request.args)
            result = handler(self, body)
        except oidc_exc.OidcError as err:
            status = 413 if "larger than" in err.description else 400
            return json_response({"message": err.description}, status)
        except (KeyError, TypeError, ValueError) as err:
            return json_response({"message": f"Bad admin request: {err}"}, 400)
        except PageError as err:
            return json_response({"message": err.message}, err.status)
        # A handler may answer with a page of its own (an HTML dashboard), else JSON.
        response = result if isinstance(result, Response) else json_response(result)
        response.headers["Cache-Control"] = "no-store"
        return response

    # -- persistence ----------------------------------------------------------------------
    def export_state(self) -> dict[str, Any]:
        return {
            "version": 1,
            "admin_secret": self.auth.secret,
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
    admin_secret: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
    data_dir: Path | None = None,
    passwords: dict[str, str] | None = None,
    lifetimes: Lifetimes | None = None,
) -> SandboxApp:
    """Seed (or restore from ``data_dir``) the directory and build the app.

    The admin secret is ``admin_secret`` when given, else the one saved in ``data_dir`` (so
    an instructor's secret survives a restart), else a new one.
    """
    enable_moto_auth()
    saved = persistence.load(data_dir) if data_dir else None
    oidc = OidcBackend(lifetimes=lifetimes)
    if saved:
        directory = persistence.restore(saved, oidc, data_dir / persistence.STATE_NAME)  # type: ignore[operator]
        admin_secret = admin_secret or saved.get("admin_secret") or None
    else:
        directory = Directory(seed)
        directory.apply_seed(learners=learners, passwords=passwords)
    oidc.start_urls = {directory.start_url}
    if auto_approve:
        oidc.auto_approve_user = (
            DEFAULT_USER if DEFAULT_USER in directory.users else next(iter(directory.users), None)
        )
    return SandboxApp(
        directory,
        oidc,
        public_url=public_url,
        prefix=prefix,
        admin_secret=admin_secret,
        allowed_hosts=allowed_hosts,
    )
