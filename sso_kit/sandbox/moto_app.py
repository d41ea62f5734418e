"""moto's server app with its per-request look-ups cached, for a room's burst of S3 calls.

For every signed request moto's dispatcher lists its own package folder (``os.listdir`` and an
``isdir`` per service, about 175 system calls) to find which backend serves the request's host,
twice. The answer depends only on the host and on moto's installed files, which do not change
while the sandbox runs, so it is kept per host.

Each call also looks its account up in several services' backends (S3, IAM, STS, ...: about
seven times), and moto's ``BackendDict`` copies its list of accounts and scans its registry of
backends under a global lock every time, to create the account's backend on first use. That
grows with the workshop's accounts; an account already there needs none of it.

Signatures and IAM policies are still checked on every call: nothing that depends on the
caller or the request is cached.
"""

from __future__ import annotations

from typing import Any

from moto import backends
from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

#: Distinct hosts remembered (the credential scope names the host, so clients choose it: bound).
MAX_HOSTS = 256
_MISSING = object()


def existing_accounts_first() -> None:
    """Patch ``BackendDict.__getitem__`` (idempotent): an account already there is returned at
    once. moto adds an account only in ``_create_account_specific_backend``, which registers the
    dict at the same time, and its reset clears both together, so for an account that is there
    that method would change nothing; an account not there still goes through it."""
    if getattr(BackendDict, "_sso_kit_existing_first", False):
        return
    create_then_get = BackendDict.__getitem__

    def getitem(self: BackendDict[Any], account_id: str) -> Any:
        account = dict.get(self, account_id)
        return account if account is not None else create_then_get(self, account_id)

    BackendDict.__getitem__ = getitem  # type: ignore[method-assign,assignment]
    BackendDict._sso_kit_existing_first = True  # type: ignore[attr-defined]


class CachedDispatcher(DomainDispatcherApplication):
    """``DomainDispatcherApplication`` whose host → backend look-up is computed once per host,
    over backends whose existing accounts are found at once (:func:`existing_accounts_first`)."""

    def __init__(self) -> None:
        existing_accounts_first()
        super().__init__(create_backend_app)
        self.modules = frozenset(backends.list_of_moto_modules())
        self.hosts: dict[str, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        # called under self.lock (see DomainDispatcherApplication.get_application)
        if host is None or host == "moto_api" or host in self.modules:
            return host
        backend = self.hosts.get(host, _MISSING)
        if backend is _MISSING:
            backend = super().get_backend_for_host(host)
            if len(self.hosts) < MAX_HOSTS:
                self.hosts[host] = backend
        return backend
