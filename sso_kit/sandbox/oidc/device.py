"""The device authorization grant: pending → approved | denied, expired after its lifetime.

A mixin of :class:`sso_kit.sandbox.oidc.models.OidcBackend`, which owns the state (clients,
devices, user codes), the clock, the faults and the token issuing that a redeemed
authorization ends in. An approved authorization is redeemed exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sso_kit.sandbox.oidc import exceptions as exc
from sso_kit.sandbox.oidc import records


class DeviceFlow:
    """Start, enter, decide and poll device authorizations."""

    # provided by OidcBackend
    clock: records.Clock
    lifetimes: records.Lifetimes
    faults: records.Faults
    lock: threading.RLock
    devices: dict[str, records.DeviceAuthorization]  # by device code
    user_codes: dict[str, str]  # user code -> device code
    auto_approve_user: str | None
    authenticate_client: Callable[[str, str | None], records.Client]
    check_start_url: Callable[[str], None]
    _issue: Callable[[str, str, str, list[str]], records.Token]

    def start_device_authorization(
        self, client_id: str, client_secret: str, start_url: str
    ) -> records.DeviceAuthorization:
        client = self.authenticate_client(client_id, client_secret)
        if not start_url:
            raise exc.InvalidRequest("startUrl is required")
        self.check_start_url(start_url)
        now = self.clock.now()
        with self.lock:
            user_code = records.new_user_code()
            while user_code in self.user_codes:
                user_code = records.new_user_code()
            device = records.DeviceAuthorization(
                device_code=records.new_secret(48),
                user_code=user_code,
                client_id=client.client_id,
                start_url=start_url,
                scopes=client.scopes,
                created_at=now,
                expires_at=now + self.lifetimes.device_code,
                interval=self.lifetimes.interval,
            )
            self.devices[device.device_code] = device
            self.user_codes[user_code] = device.device_code
        return device

    def find_pending(self, user_code: str) -> records.DeviceAuthorization | None:
        """The pending, unexpired authorization for a typed user code, else None."""
        with self.lock:
            device = self.devices.get(
                self.user_codes.get(records.normalize_user_code(user_code), "")
            )
            if device is None or device.state != "pending":
                return None
            if device.expires_at <= self.clock.now():
                return None
            return device

    def claim(self, user_code: str) -> records.DeviceAuthorization | None:
        """Like :meth:`find_pending`, and mark the authorization as entered by someone."""
        with self.lock:
            device = self.find_pending(user_code)
            if device is not None:
                device.claimed = True
            return device

    def decide(self, user_code: str, user: str, allow: bool) -> records.DeviceAuthorization:
        """Approve or deny a pending authorization on behalf of a signed-in user."""
        with self.lock:
            device = self.find_pending(user_code)
            if device is None:
                raise LookupError("That code is not valid, already used or expired.")
            device.state = "approved" if allow else "denied"
            device.user = user
            device.approved_at = self.clock.now()
            return device

    def _poll_device(self, client: records.Client, device_code: str) -> records.Token:
        now = self.clock.now()
        with self.lock:
            device = self.devices.get(device_code or "")
            if device is None or device.client_id != client.client_id:
                raise exc.InvalidGrant("Invalid device code provided")
            if device.state == "redeemed":
                raise exc.InvalidGrant("Device code has already been used")
            if device.expires_at <= now:
                self._forget_device(device)
                raise exc.ExpiredToken("Device code has expired")
            previous, device.last_poll = device.last_poll, now
            device.polls += 1
            # A client's first two polls may come back to back: allow them.
            if (
                previous is not None
                and device.polls > 2
                and now - previous < device.interval
                and device.state == "pending"
            ):
                raise exc.SlowDown()
            fault = self.faults.kind("CreateToken")
            if fault == "slow_down":
                self.faults.consume("CreateToken")
                raise exc.SlowDown()
            if fault == "deny" and device.state == "pending":
                self.faults.consume("CreateToken")
                device.state = "denied"
            if device.state == "pending" and self.auto_approve_user and not device.claimed:
                device.state, device.user, device.approved_at = (
                    "approved",
                    self.auto_approve_user,
                    now,
                )
            if device.state == "pending":
                raise exc.AuthorizationPending()
            if device.state == "denied":
                self._forget_device(device)
                raise exc.AccessDenied("Access denied: the user denied the request")
            if fault == "delay":
                self.faults.consume("CreateToken")
                raise exc.AuthorizationPending()
            device.state = "redeemed"
            self._forget_device(device, keep=True)
            return self._issue(client.client_id, device.user or "", device.start_url, device.scopes)

    def _forget_device(self, device: records.DeviceAuthorization, keep: bool = False) -> None:
        self.user_codes.pop(device.user_code, None)
        if not keep:
            self.devices.pop(device.device_code, None)
