"""Portal operation handlers: bearer token and query string in, JSON-able dict out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sso_kit.sandbox.portal.models import PortalBackend


def get_role_credentials(
    backend: PortalBackend, bearer: str | None, query: Mapping[str, str]
) -> dict[str, Any]:
    return backend.get_role_credentials(bearer, query.get("account_id"), query.get("role_name"))


def list_accounts(
    backend: PortalBackend, bearer: str | None, query: Mapping[str, str]
) -> dict[str, Any]:
    return backend.list_accounts(bearer, query.get("next_token"), query.get("max_result"))


def list_account_roles(
    backend: PortalBackend, bearer: str | None, query: Mapping[str, str]
) -> dict[str, Any]:
    return backend.list_account_roles(
        bearer, query.get("account_id"), query.get("next_token"), query.get("max_result")
    )


def logout(backend: PortalBackend, bearer: str | None, query: Mapping[str, str]) -> None:
    backend.logout(bearer)
