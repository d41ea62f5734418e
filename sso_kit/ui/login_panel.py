"""The login panel: verification link, user code, QR code, countdown, live status, Cancel.

A running cell never sees widget clicks (ipykernel queues comm messages behind it), so the
panel never waits inside a cell: "Log in" starts the device authorization and a background
thread runs the library's own wait loop (:meth:`DeviceLogin.wait`, the one :func:`sso_kit.login`
uses), updating widgets (never printing) after each nap.
Headless runs call :meth:`LoginPanel.run_headless`, which does the same and waits for the thread.
Between logins the status line is a view of the kernel's session state, so a logout in another
widget (or a login in a terminal) shows here with no click.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import ipywidgets as widgets

from sso_kit.errors import (
    AuthorizationDeniedError,
    ConfigError,
    LoginCancelledError,
    LoginError,
    SsoKitError,
)
from sso_kit.ui.messages import StatusMessage, classed, describe_error, guarded
from sso_kit.ui.session import SessionState

#: What to click next, in the panel's words (the errors' own hints name CLI commands).
_NEXT_CLICK = (
    (AuthorizationDeniedError, "Click Log in again and choose Allow on the sign-in page."),
    (LoginCancelledError, "Click Log in to start again."),
    (ConfigError, "Save the profile in step 05 (click Save profile), then click Log in."),
    (SsoKitError, "Click Log in to get a new code."),
)


def notebook_message(exc: BaseException) -> str:
    """The error for a notebook: what went wrong, then what to click (never a CLI command)."""
    for kind, click in _NEXT_CLICK:
        if isinstance(exc, kind):
            return f"{exc.message} {click}"  # type: ignore[attr-defined]
    return describe_error(exc)


def qr_svg(data: str) -> bytes:
    """An SVG QR code of ``data`` (pure Python: qrcode's SVG backend needs no Pillow)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    return image.to_string(encoding="unicode").encode()


def _epoch(value: Any) -> float:
    """Seconds since the epoch for a datetime (naive = UTC) or a number."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    return float(value)


def _local_time(value: Any) -> str:
    return datetime.fromtimestamp(_epoch(value)).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _device_login(profile: str | None, sso_session: str | None) -> Any:
    from sso_kit.login import DeviceLogin

    return DeviceLogin(profile=profile, sso_session=sso_session)


class LoginPanel(widgets.VBox):
    """Everything the learner needs to approve a device login, updated live."""

    def __init__(
        self,
        profile: str | None = None,
        sso_session: str | None = None,
        *,
        device_login: Callable[[str | None, str | None], Any] = _device_login,
        clock: Callable[[], float] = time.time,
        tick: float = 1.0,
        state: SessionState | None = None,
    ) -> None:
        self.profile, self.sso_session = profile, sso_session
        self.state = state or SessionState.shared(profile, sso_session)
        self._shown_logged_in = False
        self._factory, self._clock, self._tick = device_login, clock, tick
        self._flow: Any = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self.pending: Any = None
        self.result: Any = None
        self.error: BaseException | None = None
        #: Called with the LoginResult once approved (from the polling thread), e.g. to fill
        #: the account/role picker without another click.
        self.on_success: list[Callable[[Any], None]] = []
        self.login_button = classed(
            widgets.Button(description="Log in", button_style="primary"), "sso-login-button"
        )
        self.link = classed(widgets.HTML(), "sso-verification-link")
        self.user_code = classed(widgets.HTML(), "sso-user-code")
        self.qr = classed(widgets.Image(format="svg+xml", width=180, height=180), "sso-qr")
        self.qr.layout.display = "none"
        self.countdown = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="Expires")
        self.countdown.layout.visibility = "hidden"
        self.status = StatusMessage("Not started. Click Log in.", css_class="sso-login-status")
        self.cancel_button = classed(
            widgets.Button(description="Cancel", disabled=True), "sso-cancel"
        )
        self.login_button.on_click(self._click_login)
        self.cancel_button.on_click(guarded(self.status, self.cancel))
        code_box = widgets.VBox([self.link, self.user_code, self.countdown, self.cancel_button])
        super().__init__(
            [
                self.login_button,
                widgets.HBox([code_box, self.qr]),
                self.status,
            ]
        )
        self.state.observe_changes(lambda _state: self._follow_state())
        self._follow_state()

    def _follow_state(self) -> None:
        """Between logins, show what the session state says (never while a login runs)."""
        if self.running:
            return
        state = self.state
        if state.logged_in:
            until = _local_time(state.status.expires_at)
            self.status.show(f"Logged in ({state.label}) until {until}.", "ok")
            self._shown_logged_in = True
        elif self._shown_logged_in or state.reason == "logout":
            self.status.show(f"Logged out ({state.label}). Click Log in to sign in again.", "warn")
            self._shown_logged_in = False

    # -- flow -------------------------------------------------------------------------------
    @property
    def polls(self) -> int:
        """CreateToken calls of the current login so far (step 06 shows them)."""
        return int(getattr(self._flow, "polls", 0) or 0)

    @property
    def running(self) -> bool:
        """True while the background poller is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Any:
        """Start the device authorization, show it, and poll in the background.

        The flow runs on one worker thread (its session lock is not thread-local, see
        :mod:`sso_kit.login`); this waits only for StartDeviceAuthorization, one HTTP call.
        """
        if self.running:
            self.status.show("A login is already waiting for approval.", "warn")
            return self.pending
        self.result, self.error, self.pending, self._flow = None, None, None, None
        self._cancel = threading.Event()
        started = threading.Event()
        self.status.show("Starting the device authorization…")
        self.login_button.disabled = True
        self._thread = threading.Thread(
            target=self._work, args=(started,), name="sso-kit-login", daemon=True
        )
        self._thread.start()
        started.wait()
        if self.pending is None and self.error is not None:
            raise self.error
        return self.pending

    def _click_login(self, _button: object = None) -> None:
        try:
            self.start()
        except Exception as exc:  # shown where the learner looks, worded for a notebook
            self.status.error(notebook_message(exc))

    def _work(self, started: threading.Event) -> None:
        """Worker thread: start the flow, then poll it."""
        try:
            self._flow = self._factory(self.profile, self.sso_session)
            pending = self._flow.start()
            self.pending = pending
            self._show_pending(pending)
            self.cancel_button.disabled = False
            self.status.show("Waiting for you to approve the code in the browser…")
        except BaseException as exc:  # shown in the panel and re-raised by start()
            self.error = exc
            self.status.error(notebook_message(exc))
            self.login_button.disabled = False
            return
        finally:
            started.set()
        self._poll()

    def _show_pending(self, pending: Any) -> None:
        complete = pending.verification_uri_complete or pending.verification_uri
        link = html.escape(complete, quote=True)
        self.link.value = (
            f'<a href="{link}" target="_blank" rel="noopener">Open the sign-in page</a>'
            f" ({html.escape(pending.verification_uri)})"
        )
        code = html.escape(pending.user_code)
        self.user_code.value = (
            '<div>Check that the page shows this code:</div><div style="font:bold 2em monospace;'
            f'letter-spacing:.1em;user-select:all">{code}</div>'
        )
        self.qr.value = qr_svg(complete)
        self.qr.layout.display = None
        self._expires = _epoch(pending.expires_at)
        self._lifetime = max(self._expires - self._clock(), 1.0)
        self.countdown.layout.visibility = "visible"
        self._update_countdown()

    def _update_countdown(self) -> float:
        left = max(self._expires - self._clock(), 0.0)
        self.countdown.value = left / self._lifetime
        self.countdown.description = f"{int(left) // 60}:{int(left) % 60:02d}"
        return left

    def _on_tick(self) -> None:
        """After each nap of the wait loop: move the countdown, give up when it reaches 0."""
        if self._update_countdown() <= 0:
            raise LoginError(
                "The user code expired before it was approved.",
                hint="Click Log in to get a new code.",
            )

    def _poll(self) -> None:
        """Background thread: the flow's wait loop until a result, an error or Cancel."""
        try:
            try:
                result = self._flow.wait(self._cancel, on_tick=self._on_tick, nap=self._tick)
            except LoginCancelledError:
                raise LoginCancelledError(
                    "Login cancelled.", hint="Click Log in to start again."
                ) from None
            self._finish(result)
        except BaseException as exc:  # shown in the panel; the thread must not die silently
            self.error = exc
            self._clear_code()  # a dead code, link and QR must not invite a click
            self.status.error(notebook_message(exc))
        finally:
            self.login_button.disabled = False
            self.cancel_button.disabled = True

    def _clear_code(self) -> None:
        """Hide the code, link, QR and countdown once they can no longer be used."""
        self.countdown.layout.visibility = "hidden"
        self.qr.layout.display = "none"
        self.link.value = ""
        self.user_code.value = ""

    def _finish(self, result: Any) -> None:
        self.result = result
        self._clear_code()
        who = result.sso_session or self.sso_session or self.profile
        self.status.show(f"Logged in ({who}) until {_local_time(result.expires_at)}.", "ok")
        self._shown_logged_in = True
        for callback in self.on_success:
            with self.status.guard():
                callback(result)

    def cancel(self) -> None:
        """Stop polling; the worker thread cancels the flow and releases its lock."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the poller ends; return the LoginResult or raise its error."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self.cancel()
                self._thread.join(5)
                raise LoginError(
                    f"Nobody approved the login within {timeout:.0f} seconds.",
                    hint="Approve the code in the browser, or run the cell again.",
                )
        if self.error is not None:
            raise self.error
        if self.result is None:
            raise LoginError("Login has not been started.", hint="Click Log in.")
        return self.result

    def run_headless(self, timeout: float | None = 300.0) -> Any:
        """Start and wait: with an auto-approving sandbox this completes unattended."""
        self.start()
        return self.wait(timeout)
