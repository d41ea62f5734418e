"""Log in to IAM Identity Center the way ``aws sso login`` does, with boto3's own clients.

Device code (default): RegisterClient (cached, reused like the AWS CLI), StartDeviceAuthorization,
then CreateToken polls. :class:`DeviceLogin` exposes one poll step (``poll_once``) and a loop
(``wait``) so a Jupyter widget can poll from a background thread and a test can drive it with
injected time. The person is shown the code through an ``on_pending`` callback: the CLI prints
it, the notebook panel renders it, tests record it.

PKCE (``method="pkce"``): :class:`sso_kit.pkce.PkceLogin`, a loopback callback on 127.0.0.1.

One login path: the session configuration is resolved once (``session_config``) and the
resolved :class:`~sso_kit.config.SessionConfig` is handed to the flow object, as botocore's
token providers do; :func:`login` (the CLI, headless runs) and the notebook panel both drive a
:class:`DeviceLogin` and its ``wait`` loop.

One lock rule: each flow owns a per-session file lock, taken by :meth:`_Flow.acquire` (or by
``start``) and released when the flow ends, fails or is cancelled. It is not thread-local, so
a panel may start on one thread and finish on another. A second login of the same session
either waits for the first and reuses its token (:func:`login`) or is refused at once (panel).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sso_kit import cache, events
from sso_kit.config import SessionConfig, session_config, sso_client
from sso_kit.errors import (
    AuthorizationDeniedError,
    AuthorizationExpiredError,
    LoginCancelledError,
    LoginError,
    aws_error,
)
from sso_kit.home import kit_home

__all__ = [
    "DeviceLogin",
    "LoginResult",
    "PendingAuthorization",
    "login",
    "token_is_fresh",
]

REUSE_WINDOW = timedelta(minutes=15)  # the CLI's "valid for more than 15 minutes"
PKCE_TIMEOUT = 600.0
MAX_NETWORK_ERRORS = 3
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
PKCE_GRANTS = ["authorization_code", "refresh_token"]
PKCE_REDIRECT = "http://127.0.0.1/oauth/callback"
_NETWORK_ERRORS: tuple[type[BaseException], ...] = ()


def _network_errors() -> tuple[type[BaseException], ...]:
    global _NETWORK_ERRORS
    if not _NETWORK_ERRORS:
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from botocore.exceptions import HTTPClientError

        _NETWORK_ERRORS = (BotoConnectionError, HTTPClientError)
    return _NETWORK_ERRORS


@dataclass(frozen=True)
class PendingAuthorization:
    """What the person must do: open the URI and check/enter the code before expiry."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str
    expires_at: datetime
    interval: float


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login; ``skipped`` means a cached token was good enough."""

    sso_session: str | None
    start_url: str
    expires_at: datetime
    skipped: bool
    token_path: Path


def token_is_fresh(cfg: SessionConfig, now: datetime | None = None) -> cache.SsoToken | None:
    """The cached token if it is valid for more than 15 minutes and can refresh, else None."""
    try:
        token = cache.load_token(cfg.cache_name)
    except Exception:  # a corrupt file simply means "log in again"
        return None
    now = now or cache.utc_now()
    if token is None or token.start_url not in ("", cfg.start_url):
        return None
    if token.remaining_seconds(now) <= REUSE_WINDOW.total_seconds():
        return None
    if cfg.sso_session is not None and not token.refreshable(now):
        return None
    return token


def _lock(cfg: SessionConfig) -> Any:
    from filelock import FileLock

    directory = kit_home() / "locks"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = hashlib.sha1(cfg.cache_name.encode("utf-8")).hexdigest()
    return FileLock(str(directory / f"login-{name}.lock"), thread_local=False)


def _client_error(exc: Exception, operation: str, cfg: SessionConfig) -> LoginError:
    code, message = aws_error(exc)
    return LoginError(
        f"{operation} failed for {cfg.label}: {code or type(exc).__name__} {message}".rstrip(),
        hint="Check the start URL and SSO region (sso-kit status), then log in again.",
    )


class _Flow:
    """Shared parts of both flows: registration cache, token writing, the session lock."""

    grant_kind = "device"

    def __init__(
        self,
        profile: str | None = None,
        sso_session: str | None = None,
        *,
        config: SessionConfig | None = None,
        clock: Callable[[], datetime] = cache.utc_now,
        sleep: Callable[[float], Any] | None = None,
        client: Any = None,
        lock: bool = True,
    ) -> None:
        #: resolved once; pass ``config`` to reuse a resolution made by the caller
        self.config = config or session_config(profile, sso_session)
        self._clock = clock
        self._cancelled = threading.Event()
        self._sleep = sleep or (lambda seconds: self._cancelled.wait(seconds))
        self._client = client
        self._lock = _lock(self.config) if lock else None
        self._registration: dict[str, Any] | None = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = sso_client("sso-oidc", self.config)
        return self._client

    def acquire(self, timeout: float) -> bool:
        """Take the session lock (no-op when held); False when another login kept it."""
        from filelock import Timeout

        if self._lock is None or self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            return False
        return True

    def _acquire(self, timeout: float) -> None:
        if not self.acquire(timeout):
            raise LoginError(
                f"Another login for {self.config.label} is already waiting for approval.",
                hint="Finish or cancel that one first, then try again.",
            )

    def release(self) -> None:
        """Give the session lock back (flows do this themselves when they end)."""
        self._release()

    def _release(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release(force=True)

    def _register(self, **extra: Any) -> dict[str, Any]:
        """Reuse the CLI's cached registration when it has 15+ minutes left and fits the flow."""
        cfg = self.config
        key = cache.registration_cache_key(
            cfg.start_url, cfg.sso_region, cfg.scopes, cfg.sso_session
        )
        cached = cache.load_registration(key)
        if cached is not None:
            expires = cache.parse_timestamp(cached["expiresAt"])
            is_pkce = "authorization_code" in (cached.get("grantTypes") or [])
            if expires - self._clock() > REUSE_WINDOW and is_pkce == (self.grant_kind == "pkce"):
                return cached
        name = cfg.sso_session or str(int(self._clock().timestamp()))
        request: dict[str, Any] = {"clientName": f"botocore-client-{name}", "clientType": "public"}
        scopes = self._registration_scopes()
        if scopes:
            request["scopes"] = scopes
        request.update(extra)
        try:
            response = self.client.register_client(**request)
        except _network_errors() as exc:
            raise LoginError(
                f"Could not reach IAM Identity Center for {cfg.label} ({type(exc).__name__}).",
                hint="Check the network or that the sandbox is running (sso-kit sandbox).",
            ) from None
        except Exception as exc:
            raise _client_error(exc, "RegisterClient", cfg) from None
        expires_at = datetime.fromtimestamp(response["clientSecretExpiresAt"], timezone.utc)
        document: dict[str, Any] = {
            "clientId": response["clientId"],
            "clientSecret": response["clientSecret"],
            "expiresAt": cache.format_timestamp(expires_at),
        }
        if scopes:
            document["scopes"] = scopes
        if self.grant_kind == "pkce":
            document["grantTypes"] = list(PKCE_GRANTS)
        cache.save_registration(key, document)
        return document

    def _registration_scopes(self) -> list[str] | None:
        if self.config.sso_session is None:
            return None  # legacy: the CLI never sends scopes
        return self.config.scopes

    def _save(self, response: dict[str, Any], now: datetime) -> LoginResult:
        cfg, reg = self.config, self._registration or {}
        expires_at = now + timedelta(seconds=int(response["expiresIn"]))
        path = cache.save_token(
            cfg.cache_name,
            start_url=cfg.start_url,
            region=cfg.sso_region,
            access_token=response["accessToken"],
            expires_at=expires_at,
            client_id=reg["clientId"],
            client_secret=reg["clientSecret"],
            registration_expires_at=reg["expiresAt"],
            refresh_token=response.get("refreshToken"),
        )
        events.publish("login")
        return LoginResult(
            cfg.sso_session,
            cfg.start_url,
            expires_at.replace(microsecond=0),
            skipped=False,
            token_path=path,
        )

    def cancel(self) -> None:
        """Stop waiting; the next poll or sleep ends with LoginCancelledError."""
        self._cancelled.set()
        self._release()

    def _check_cancel(self, cancel: threading.Event | None) -> None:
        if self._cancelled.is_set() or (cancel is not None and cancel.is_set()):
            self.cancel()
            raise LoginCancelledError(
                f"Login for {self.config.label} was cancelled.",
                hint=f"Run {self.config.login_hint} to start again.",
            )


class DeviceLogin(_Flow):
    """The OAuth device flow as separate steps: ``start()``, ``poll_once()``, ``wait()``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: PendingAuthorization | None = None
        self.interval: float = 5.0
        self._device_code: str | None = None
        self.polls = 0  # CreateToken calls so far (the login notebook retells them)
        self._network_failures = 0

    def __repr__(self) -> str:
        return f"DeviceLogin({self.config.label}, pending={self.pending is not None})"

    def start(self) -> PendingAuthorization:
        """Register (or reuse the cached registration) and start a device authorization."""
        self._acquire(timeout=1)
        try:
            self._registration = self._register()
            response = self.client.start_device_authorization(
                clientId=self._registration["clientId"],
                clientSecret=self._registration["clientSecret"],
                startUrl=self.config.start_url,
            )
        except LoginError:
            self._release()
            raise
        except _network_errors() as exc:
            self._release()
            raise LoginError(
                f"Could not reach IAM Identity Center for {self.config.label} "
                f"({type(exc).__name__}).",
                hint="Check the network or that the sandbox is running (sso-kit sandbox).",
            ) from None
        except Exception as exc:
            self._release()
            raise _client_error(exc, "StartDeviceAuthorization", self.config) from None
        self._device_code = response["deviceCode"]
        self.interval = float(response.get("interval") or 5)
        self.pending = PendingAuthorization(
            verification_uri=response["verificationUri"],
            user_code=response["userCode"],
            verification_uri_complete=response.get("verificationUriComplete")
            or response["verificationUri"],
            expires_at=self._clock() + timedelta(seconds=int(response["expiresIn"])),
            interval=self.interval,
        )
        return self.pending

    def poll_once(self) -> LoginResult | None:
        """One CreateToken call: a LoginResult when approved, None while still pending."""
        if self.pending is None or self._device_code is None:
            raise LoginError("poll_once() was called before start().", hint="Call start() first.")
        self._check_cancel(None)
        reg = self._registration or {}
        self.polls += 1
        try:
            response = self.client.create_token(
                grantType=DEVICE_GRANT,
                clientId=reg["clientId"],
                clientSecret=reg["clientSecret"],
                deviceCode=self._device_code,
            )
        except _network_errors() as exc:
            self._network_failures += 1
            if self._network_failures >= MAX_NETWORK_ERRORS:
                self._release()
                raise LoginError(
                    f"Lost contact with IAM Identity Center while waiting for approval of "
                    f"{self.config.label} ({type(exc).__name__}, {self._network_failures} "
                    "times in a row).",
                    hint=f"Check the network, then run {self.config.login_hint} again.",
                ) from None
            return None
        except Exception as exc:
            return self._handle_error(exc)
        self._network_failures = 0
        result = self._save(response, self._clock())
        self._device_code = None
        self._release()
        return result

    def _handle_error(self, exc: Exception) -> None:
        code = aws_error(exc)[0]
        if code == "AuthorizationPendingException":
            self._network_failures = 0
            if self.pending and self._clock() > self.pending.expires_at + timedelta(seconds=30):
                self._expired()
            return None
        if code == "SlowDownException":
            self.interval += 5  # RFC 8628: +5 s from now on, cumulative
            return None
        if code == "ExpiredTokenException":
            self._expired()
        self._release()
        if code == "AccessDeniedException":
            raise AuthorizationDeniedError(
                f"The login for {self.config.label} was denied at the sign-in page.",
                hint=f"Run {self.config.login_hint} again and choose Allow, or ask your "
                "administrator for access.",
            ) from None
        raise _client_error(exc, "CreateToken", self.config) from None

    def _expired(self) -> None:
        self._release()
        raise AuthorizationExpiredError(
            f"The code for {self.config.label} expired before it was approved.",
            hint=f"Run {self.config.login_hint} again to get a new code.",
        )

    def wait(
        self,
        cancel: threading.Event | None = None,
        *,
        on_tick: Callable[[], Any] | None = None,
        nap: float = 0.2,
    ) -> LoginResult:
        """Poll until approved: first call at once, then every ``interval`` seconds.

        With ``cancel`` (or ``on_tick``) the wait naps in steps of ``nap`` seconds, checking
        ``cancel`` and calling ``on_tick()`` after each (a panel's countdown; it may raise to
        stop the wait).
        """
        short = cancel is not None or on_tick is not None
        while True:
            self._check_cancel(cancel)
            result = self.poll_once()
            if result is not None:
                return result
            remaining = self.interval
            while remaining > 0:
                step = min(remaining, nap) if short else remaining
                self._sleep(step)
                remaining -= step
                self._check_cancel(cancel)
                if on_tick is not None:
                    try:
                        on_tick()
                    except BaseException:
                        self.cancel()  # release the session lock before the error leaves
                        raise


def login(
    profile: str | None = None,
    *,
    sso_session: str | None = None,
    on_pending: Callable[[PendingAuthorization], Any] | None = None,
    force: bool = False,
    method: str = "device",
    open_browser: bool = False,
    cancel: threading.Event | None = None,
) -> LoginResult:
    """Log in if needed (or always, with ``force``) and write the token cache.

    A cached token valid for more than 15 minutes that can refresh is reused. If another
    process is logging in to the same session, this waits for it and reuses its token.
    """
    if method not in ("device", "pkce"):
        raise LoginError(f"Unknown login method {method!r}.", hint="Use 'device' or 'pkce'.")
    cfg = session_config(profile, sso_session)  # the one resolution; flows get the result
    if not force:
        token = token_is_fresh(cfg)
        if token is not None:
            return LoginResult(cfg.sso_session, cfg.start_url, token.expires_at, True, token.path)
    before = _token_fingerprint(cfg)
    if method == "pkce":
        from sso_kit.pkce import PkceLogin  # its loopback server: only for this flow

        flow: Any = PkceLogin(config=cfg)
    else:
        flow = DeviceLogin(config=cfg)
    if not flow.acquire(timeout=PKCE_TIMEOUT + 60):
        raise LoginError(
            f"Another login for {cfg.label} has been waiting for more than 10 minutes.",
            hint="Cancel it, then try again.",
        )
    try:
        if _token_fingerprint(cfg) != before:  # someone else logged in while we waited
            token = token_is_fresh(cfg)
            if token is not None:
                return LoginResult(
                    cfg.sso_session, cfg.start_url, token.expires_at, True, token.path
                )
        if method == "pkce":
            return flow.run(on_pending, open_browser=open_browser, cancel=cancel)
        pending = flow.start()
        if on_pending is not None:
            on_pending(pending)
        if open_browser:
            import webbrowser

            webbrowser.open_new_tab(pending.verification_uri_complete)
        try:
            return flow.wait(cancel)
        except KeyboardInterrupt:
            flow.cancel()
            raise
    finally:
        flow.release()


def _token_fingerprint(cfg: SessionConfig) -> tuple[float, int] | None:
    try:
        stat = cache.token_cache_path(cfg.cache_name).stat()
    except OSError:
        return None
    return (stat.st_mtime, stat.st_size)


def __getattr__(name: str) -> Any:
    """``sso_kit.login.PkceLogin`` still works; the class lives in :mod:`sso_kit.pkce`."""
    if name == "PkceLogin":
        from sso_kit.pkce import PkceLogin

        return PkceLogin
    raise AttributeError(f"module 'sso_kit.login' has no attribute {name!r}")
