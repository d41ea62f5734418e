"""The ``Sandbox`` handle's admin calls: HTTP with the admin secret, local or remote alike.

A handle found with ``Sandbox.ensure_running`` talks to its server over this API only, so
every fault switch works the same whether the server runs in this process or another one.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from sso_kit.errors import SandboxError
from sso_kit.sandbox.admin.auth import CHALLENGE, SECRET_HEADER
from sso_kit.sandbox.passwords import User


class AdminClient:
    """Mixin for ``Sandbox``: one method per admin route (see ``sandbox/admin/urls.py``)."""

    url: str
    admin_key: str | None
    default_user: User | None
    _remote: dict[str, Any] | None

    users: dict[str, User]  # a property of Sandbox

    def _admin(self, action: str, **body: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}/_sandbox/admin/{action}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", SECRET_HEADER: self.admin_key or ""},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return dict(json.loads(response.read() or b"{}"))
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read()).get("message", "")
            except ValueError:
                message = ""
            if err.code == 401 and err.headers.get("WWW-Authenticate") == CHALLENGE:
                raise SandboxError(
                    f"The sandbox at {self.url} refused '{action}': no valid admin secret.",
                    hint="Use Sandbox.ensure_running(), which reads it from the sandbox's state "
                    "file, or set SSO_KIT_SANDBOX_ADMIN_KEY.",
                ) from None
            raise SandboxError(
                f"The sandbox refused '{action}': {(message or err.reason).rstrip('.')}.",
                hint="Check the arguments; see the README section 'sandbox'.",
            ) from None
        except OSError as err:
            raise SandboxError(
                f"The sandbox at {self.url} did not answer ({err}).",
                hint="Start it with `sso-kit sandbox` or Sandbox.ensure_running().",
            ) from None

    def approve(
        self,
        user_code: str,
        username: str | None = None,
        password: str | None = None,
        *,
        allow: bool = True,
    ) -> None:
        """Sign in and approve (or deny) a user code — the same path as the web form."""
        if username is None:
            user = self.default_user
            if user is None:
                raise SandboxError(
                    "This sandbox has no default user.", hint="Pass username and password."
                )
            username, password = user.name, user.password
        elif password is None:
            known = self.users.get(username)
            if known is None:
                raise SandboxError(f"No password known for {username!r}.", hint="Pass password=…")
            password = known.password
        self._admin(
            "approve", user_code=user_code, username=username, password=password, allow=allow
        )

    def deny(
        self, user_code: str, username: str | None = None, password: str | None = None
    ) -> None:
        """Sign in and choose Deny for a user code."""
        self.approve(user_code, username, password, allow=False)

    def expire_tokens(self, user: str | None = None) -> int:
        """Expire the access and refresh tokens of ``user`` (everyone when None) now."""
        return int(self._admin("expire_tokens", user=user)["tokens"])

    def revoke_tokens(self, user: str | None = None) -> int:
        """Revoke the tokens of ``user`` (everyone when None) server-side, like a logout."""
        return int(self._admin("revoke_tokens", user=user)["tokens"])

    def set_fault(self, operation: str, kind: str, count: int | None = None) -> None:
        """Make ``operation`` (e.g. CreateToken, GetRoleCredentials, s3, ``*``) misbehave.

        kind: slow_down | deny | delay (CreateToken) · server_error | drop (any operation).
        """
        self._admin("set_fault", operation=operation, kind=kind, count=count)

    def skew_clock(self, seconds: float) -> None:
        """Shift the server's clock (Date header, token lifetimes) by ``seconds``."""
        self._admin("skew_clock", seconds=seconds)

    def remove_assignment(self, user: str, account_id: str, permission_set: str) -> bool:
        """Take a permission set away from a user ("No access" from then on)."""
        return bool(
            self._admin(
                "remove_assignment", user=user, account_id=account_id, permission_set=permission_set
            )["removed"]
        )

    def add_assignment(self, user: str, account_id: str, permission_set: str) -> None:
        """Give a user a permission set in an account."""
        self._admin(
            "add_assignment", user=user, account_id=account_id, permission_set=permission_set
        )

    def set_lifetimes(
        self,
        access_token: int | None = None,
        device_code: int | None = None,
        role_credentials: int | None = None,
        refresh: int | None = None,
        interval: int | None = None,
    ) -> None:
        """Shorten (or lengthen) lifetimes in seconds, for new codes and tokens."""
        self._admin(
            "set_lifetimes",
            access_token=access_token,
            device_code=device_code,
            role_credentials=role_credentials,
            refresh=refresh,
            interval=interval,
        )

    def admin_credentials(self) -> tuple[str, str]:
        """(access key id, secret access key) of the sandbox's IAM administrator.

        The user ``sandbox-admin`` in the management account has AdministratorAccess, so
        boto3 clients signed with this key can do the tutorial's admin steps (identitystore,
        sso-admin, S3). The key is a sandbox secret: never print it.
        """
        data = self._admin("admin_credentials")
        return str(data["aws_access_key_id"]), str(data["aws_secret_access_key"])

    def invite(self, user: str, password: str | None = None) -> str:
        """Let an identity-store user sign in: set (or generate) a password and return it.

        Real IAM Identity Center e-mails an invitation; the sandbox hands the password back
        once instead, e.g. for a user an administrator made with ``identitystore.create_user``.
        """
        data = self._admin("invite", user=user, password=password)
        if self._remote is not None:  # so approve(user_code, user) finds the password
            others = [u for u in self._remote.get("users", []) if u["name"] != user]
            self._remote["users"] = [*others, {"name": user, "password": data["password"]}]
        return str(data["password"])

    def reset_faults(self) -> None:
        """Clear every fault, the clock skew and the lifetimes back to defaults."""
        self._admin("reset_faults")
