"""The AWS access portal: which accounts and roles a signed-in user has, and their credentials.

Entitlements come from the directory (moto's ssoadmin assignments); the bearer token from the
OIDC backend. Role credentials are real moto STS credentials, so S3 enforces the permission
set's policies on every call made with them.
"""

from __future__ import annotations

from typing import Any

from sso_kit.sandbox.directory import Directory
from sso_kit.sandbox.oidc.models import OidcBackend, Token
from sso_kit.sandbox.portal import exceptions as exc

MAX_PAGE = 100


class PortalBackend:
    def __init__(self, oidc: OidcBackend, directory: Directory) -> None:
        self.oidc = oidc
        self.directory = directory

    def _token(self, bearer: str | None) -> Token:
        token = self.oidc.validate_access_token(bearer or "")
        if token is None:
            raise exc.Unauthorized()
        return token

    @staticmethod
    def _page(
        items: list[Any], next_token: str | None, max_result: str | None
    ) -> tuple[list[Any], str | None]:
        """Offset pagination; the last page carries no nextToken."""
        try:
            size = int(max_result or MAX_PAGE)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE:
            raise exc.InvalidRequest(f"max_result must be a whole number from 1 to {MAX_PAGE}")
        try:
            start = int(next_token or 0)
        except ValueError:
            start = -1
        if start < 0:
            raise exc.InvalidRequest(
                "next_token is not one this portal returned: pass the nextToken of the previous "
                "page, or none for the first page"
            )
        page = items[start : start + size]
        more = start + size < len(items)
        return page, (str(start + size) if more else None)

    def list_accounts(
        self, bearer: str | None, next_token: str | None = None, max_result: str | None = None
    ) -> dict[str, Any]:
        token = self._token(bearer)
        ids = sorted({account for account, _ in self.directory.assignments(token.user)})
        page, nxt = self._page(
            [self.directory.account_info(a) for a in ids], next_token, max_result
        )
        result: dict[str, Any] = {"accountList": page}
        if nxt:
            result["nextToken"] = nxt
        return result

    def list_account_roles(
        self,
        bearer: str | None,
        account_id: str | None,
        next_token: str | None = None,
        max_result: str | None = None,
    ) -> dict[str, Any]:
        token = self._token(bearer)
        if not account_id:
            raise exc.InvalidRequest("account_id is required")
        roles = [
            {"roleName": ps, "accountId": account}
            for account, ps in self.directory.assignments(token.user)
            if account == account_id
        ]
        page, nxt = self._page(roles, next_token, max_result)
        result: dict[str, Any] = {"roleList": page}
        if nxt:
            result["nextToken"] = nxt
        return result

    def get_role_credentials(
        self, bearer: str | None, account_id: str | None, role_name: str | None
    ) -> dict[str, Any]:
        token = self._token(bearer)
        if not account_id or not role_name:
            raise exc.InvalidRequest("account_id and role_name are required")
        if (account_id, role_name) not in self.directory.assignments(token.user):
            raise exc.Forbidden()
        from moto.sts.models import sts_backends

        role_arn = self.directory.role_arn(account_id, role_name)
        duration = self.directory.session_seconds(role_name, self.oidc.lifetimes.role_credentials)
        sts = sts_backends[account_id]["aws"]
        assumed = sts.assume_role(
            region_name=self.directory.region,
            role_session_name=token.user,
            role_arn=role_arn,
            policy="",
            duration=duration,
            external_id="",
        )
        expiration_ms = int((self.oidc.clock.now() + duration) * 1000)
        return {
            "roleCredentials": {
                "accessKeyId": assumed.access_key_id,
                "secretAccessKey": assumed.secret_access_key,
                "sessionToken": assumed.session_token,
                "expiration": expiration_ms,
            }
        }

    def logout(self, bearer: str | None) -> None:
        if not self.oidc.revoke(bearer or ""):
            raise exc.Unauthorized()
