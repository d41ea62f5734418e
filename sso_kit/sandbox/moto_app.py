"""moto's server app with its per-request look-ups cached, for a room's burst of S3 calls.

For every signed request moto's dispatcher lists its own package folder (``os.listdir`` and an
``isdir`` per service, about 175 system calls) to find which backend serves the request's host,
twice. The answer depends only on the host and on moto's installed files, which do not change
while the sandbox runs, so it is kept per host.

Each call also looks its account up in several services' backends (S3, IAM, STS, ...: about
seven times), and moto's ``BackendDict`` copies its list of accounts and scans its registry of
backends under a global lock every time, to create the account's backend on first use. That
grows with the workshop's accounts; an account already there needs none of it. And to find
the caller's account, moto looks the access key up in every account's every partition, in
order: for the learner of the 200th account, a thousand look-ups a call. Where a key was found
is remembered and checked again on each use (a key id belongs to one account, so a key that is
still there is still that account's; one that is gone is looked for in full).

Signatures and IAM policies are still checked on every call: nothing that depends on the
caller or the request is cached.
"""

from __future__ import annotations

from typing import Any

from moto import backends
from moto.core.base_backend import BackendDict
from moto.iam import models as iam_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

#: Distinct hosts remembered (the credential scope names the host, so clients choose it: bound).
MAX_HOSTS = 256
#: Access keys whose account is remembered (only keys found in an account: bound all the same).
MAX_KEYS = 50_000
_MISSING = object()
_key_homes: dict[str, tuple[str, str]] = {}  # access key id -> (account id, partition)
#: moto's own look-up, before :func:`remembered_key_accounts` replaces it
moto_account_id_from = iam_models.get_account_id_from


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


def account_id_from(access_key: str) -> str:
    """``moto.iam.models.get_account_id_from`` with where each key was found remembered."""
    home = _key_homes.get(access_key)
    if home is not None:
        account = dict.get(iam_models.iam_backends, home[0])
        if account is not None and access_key in account[home[1]].access_keys:
            return home[0]
    for account_id, account in list(iam_models.iam_backends.items()):  # moto's own order
        for partition in iam_models.PARTITION_NAMES:
            if access_key in account[partition].access_keys:
                if len(_key_homes) >= MAX_KEYS:
                    _key_homes.clear()
                _key_homes[access_key] = (account_id, partition)
                return account_id
    return iam_models.DEFAULT_ACCOUNT_ID


def remembered_key_accounts() -> None:
    """Patch moto's key → account look-up (idempotent; see :func:`account_id_from`)."""
    iam_models.get_account_id_from = account_id_from


class CachedDispatcher(DomainDispatcherApplication):
    """``DomainDispatcherApplication`` whose host → backend look-up is computed once per host,
    with moto's account look-ups patched on first use (:func:`existing_accounts_first`,
    :func:`remembered_key_accounts`), and each backend's views called without Flask's
    per-request machinery (:mod:`sso_kit.sandbox.moto_direct`)."""

    def __init__(self) -> None:
        existing_accounts_first()
        remembered_key_accounts()
        super().__init__(create_backend_app)
        self.modules = frozenset(backends.list_of_moto_modules())
        self.hosts: dict[str, Any] = {}
        self.direct: dict[int, Any] = {}  # id(Flask app) -> its DirectApp (apps live on)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        app = self.get_application(environ)
        direct = self.direct.get(id(app))
        if direct is None:
            from sso_kit.sandbox.moto_direct import direct_or_flask

            direct = self.direct.setdefault(id(app), direct_or_flask(app))
        return direct(environ, start_response)

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
