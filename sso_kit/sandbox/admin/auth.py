"""Who may use the sandbox's admin API: the holder of its secret, on a request of its own.

Any web page a learner opens can make their browser send requests to ``127.0.0.1``, so the
address a request comes from proves nothing. An admin call therefore passes four checks:

1. ``Host`` names this sandbox (a loopback name, an IP literal, the public URL's host or an
   allowed host): a foreign name is a DNS-rebinding page.
2. ``Origin`` (sent by browsers) is this sandbox's own host and port (or the public URL's
   origin), and ``Sec-Fetch-Site`` is not ``cross-site``/``same-site`` (except for a GET
   navigation: admin GET routes change nothing).
3. A POST carries ``Content-Type: application/json``. Browsers send that cross-origin only
   after a CORS preflight, which the sandbox never grants, so no-cors fetches and HTML forms
   (``text/plain``, urlencoded, multipart) are refused.
4. The secret, as ``X-SSO-Kit-Admin-Secret: <secret>`` or ``Authorization: Bearer <secret>``,
   or the cookie a browser page gets from :meth:`AdminAuth.login` (HttpOnly,
   SameSite=Strict, signed with the secret, expiring).

The ``Sandbox`` handle reads the secret from its owner-only state file. Behind a Jupyter
server proxy use the ``X-SSO-Kit-Admin-Secret`` header: the notebook server claims
``Authorization`` for its own token.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sso_kit.net import LOOPBACK
from sso_kit.sandbox.oidc import records

if TYPE_CHECKING:  # werkzeug loads with the server, not with the Sandbox handle
    from werkzeug.wrappers import Request, Response

SECRET_HEADER = "X-SSO-Kit-Admin-Secret"
LEGACY_HEADER = "X-Sso-Kit-Admin-Key"  # older handles and benchmarks send this one
CHALLENGE = 'Bearer realm="sso-kit sandbox admin"'  # WWW-Authenticate of a 401 for no secret
COOKIE = "sso_kit_admin"
COOKIE_LIFETIME = 12 * 3600  # seconds: one workshop day
MIN_SECRET = 16  # characters
_NEXT = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")  # a page under /_sandbox/


def new_secret() -> str:
    """A fresh admin secret (256 bits, URL-safe, never a leading ``-``)."""
    return records.new_secret(32)


def host_name(host: str) -> str:
    """``[::1]:8080`` -> ``::1``, ``Example.org:80`` -> ``example.org``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Refusal:
    """Why an admin request was refused, and the HTTP status that says so."""

    status: int
    message: str


class AdminAuth:
    """The admin secret and the checks every admin request passes (see the module text)."""

    def __init__(
        self,
        secret: str,
        *,
        public_url: str | None = None,
        allowed_hosts: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < MIN_SECRET:
            raise ValueError(f"the admin secret needs at least {MIN_SECRET} characters")
        self.secret = secret
        self._clock = clock
        self.allowed_hosts = {host_name(h) for h in allowed_hosts if h.strip()}
        self.allowed_origins: set[str] = set()
        self.set_public_url(public_url)

    def set_public_url(self, public_url: str | None) -> None:
        """Also accept the host and origin browsers use to reach the sandbox."""
        parts = urlsplit(public_url or "")
        if parts.scheme and parts.netloc:
            self.allowed_hosts.add(host_name(parts.netloc))
            self.allowed_origins.add(f"{parts.scheme}://{parts.netloc}".lower())

    # -- the checks -----------------------------------------------------------------------
    def host_allowed(self, request: Request) -> bool:
        name = host_name(request.host)
        return name in LOOPBACK or name in self.allowed_hosts or _is_ip(name)

    def origin_allowed(self, request: Request) -> bool:
        # A link followed to an admin page (a GET navigation) is fine: GET routes change
        # nothing, and the page cannot be read by the site that linked to it.
        navigation = (
            request.method == "GET"
            and request.headers.get("Sec-Fetch-Mode", "").lower() == "navigate"
        )
        site = request.headers.get("Sec-Fetch-Site", "").lower()
        if site in ("cross-site", "same-site") and not navigation:
            return False
        origin = request.headers.get("Origin")
        if origin is None:  # not sent by programs, nor by browsers on same-origin GETs
            return True
        origin = origin.strip().lower()
        if origin in self.allowed_origins:
            return True
        # Same host and port as the request: the sandbox's own page. The scheme may differ
        # when a TLS proxy (a hub) forwards to it over plain HTTP.
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc == request.host.lower()

    def secret_given(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER) or request.headers.get(LEGACY_HEADER) or ""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if not given and scheme.lower() == "bearer":
            given = token.strip()
        return bool(given) and hmac.compare_digest(given.encode(), self.secret.encode())

    def _sign(self, expires: int) -> str:
        mac = hmac.new(self.secret.encode(), f"admin-cookie:{expires}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def cookie_value(self) -> str:
        """A login cookie valid for COOKIE_LIFETIME seconds (it holds no secret)."""
        expires = int(self._clock()) + COOKIE_LIFETIME
        return f"{expires}.{self._sign(expires)}"

    def cookie_valid(self, request: Request) -> bool:
        expires, _, mac = request.cookies.get(COOKIE, "").partition(".")
        if not expires.isdigit() or int(expires) <= self._clock():
            return False
        return hmac.compare_digest(mac.encode(), self._sign(int(expires)).encode())

    def check(self, request: Request) -> Refusal | None:
        """None when ``request`` may use the admin API, else why not."""
        if not self.host_allowed(request):
            return Refusal(403, f"The Host {host_name(request.host)!r} is not this sandbox.")
        if not self.origin_allowed(request):
            return Refusal(403, "Cross-origin admin calls are refused.")
        if request.method == "POST" and request.mimetype != "application/json":
            return Refusal(415, "Admin calls take a JSON body (Content-Type: application/json).")
        if not (self.secret_given(request) or self.cookie_valid(request)):
            return Refusal(
                401,
                f"The admin API needs the sandbox's admin secret (header {SECRET_HEADER}); "
                "Sandbox.ensure_running() reads it from the sandbox's state file.",
            )
        return None

    # -- a browser page logs in ------------------------------------------------------------
    def login(self, request: Request, limiter: Any = None) -> Response:
        """``GET``: a sign-in form. ``POST`` (form or JSON ``secret``): set the cookie.

        A good secret answers 303 to ``next`` (a page under ``/_sandbox/``) with the cookie;
        ``limiter`` (a :class:`~sso_kit.sandbox.limits.FailureLimiter`) slows guessing.
        """
        next_page = request.values.get("next", "admin/whoami")
        if not _NEXT.fullmatch(next_page):
            next_page = "admin/whoami"
        if request.method == "GET":
            return _login_page(next_page)
        if not self.host_allowed(request) or not self.origin_allowed(request):
            return _login_page(next_page, "This sign-in came from another site.", 403)
        source = f"admin-login:{request.remote_addr}"
        wait = limiter.blocked(source) if limiter is not None else 0
        if wait:
            return _login_page(next_page, f"Too many wrong secrets. Wait {wait} seconds.", 429)
        given = request.form.get("secret", "")
        if request.mimetype == "application/json":
            body = request.get_json(silent=True)
            given = str(body.get("secret", "")) if isinstance(body, dict) else ""
        if not given or not hmac.compare_digest(given.encode(), self.secret.encode()):
            if limiter is not None:
                limiter.fail(source)
            return _login_page(next_page, "That is not the sandbox's admin secret.", 401)
        if limiter is not None:
            limiter.clear(source)
        from werkzeug.wrappers import Response

        response = Response("", 303)
        response.headers["Location"] = next_page  # relative: also right under a proxy prefix
        response.headers["Cache-Control"] = "no-store"
        # No Path: the browser scopes the cookie to this request's folder, /…/_sandbox.
        response.set_cookie(
            COOKIE,
            self.cookie_value(),
            max_age=COOKIE_LIFETIME,
            path=None,
            httponly=True,
            samesite="Strict",
        )
        return response


def _login_page(next_page: str, error: str = "", status: int = 200) -> Response:
    import html

    from werkzeug.wrappers import Response

    note = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Sandbox admin sign-in</title></head><body><main>"
        "<h1>Sandbox admin sign-in</h1>"
        f"{note}"
        '<form method="post" action="login">'
        f'<input type="hidden" name="next" value="{html.escape(next_page)}">'
        '<label>Admin secret <input type="password" name="secret" autocomplete="off" '
        "required></label> <button>Sign in</button></form>"
        "<p>The secret is <code>admin_key</code> in the sandbox's owner-only state file "
        "(<code>~/.sso-kit/sandbox.json</code> by default).</p></main></body></html>"
    )
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; form-action 'self'"
    return response
