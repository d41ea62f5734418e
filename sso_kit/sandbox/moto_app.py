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

And to check a role key's session token, moto scans every role session the account's STS
ever handed out, in order (a workshop's every sign-in); each session's key id is now indexed
as it is appended, first one kept, as the scan would find it (:func:`assumed_role_for`).

Signatures and IAM policies are still checked on every call: nothing that depends on the
caller or the request is cached.
"""

from __future__ import annotations

import threading
from typing import Any

from moto import backends
from moto.core.base_backend import BackendDict
from moto.iam import access_control
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


_role_index: dict[int, tuple[list[Any], int, dict[str, Any]]] = {}
_role_index_lock = threading.Lock()


def assumed_role_for(sts: Any, access_key_id: str) -> Any | None:
    """The first of ``sts.assumed_roles`` with this key id, as moto's scan finds it, or None.

    moto only appends to that list; the sessions added since the last call are indexed (in
    order, the first one per key kept), and a list replaced or shortened is indexed anew.
    """
    roles = sts.assumed_roles
    with _role_index_lock:
        entry = _role_index.get(id(sts))
        if entry is None or entry[0] is not roles or entry[1] > len(roles):
            entry = (roles, 0, {})
        index = entry[2]
        for role in roles[entry[1] :]:
            index.setdefault(role.access_key_id, role)
        _role_index[id(sts)] = (roles, len(roles), index)
        return index.get(access_key_id)


def _assumed_role_key_init(
    self: Any, account_id: str, partition: str, access_key_id: str, headers: dict[str, str]
) -> None:
    """``AssumedRoleAccessKey.__init__`` with :func:`assumed_role_for` for moto's scan."""
    from moto.sts.models import sts_backends

    self.account_id = account_id
    self.partition = partition
    role = assumed_role_for(sts_backends[account_id][partition], access_key_id)
    if role is None:
        raise access_control.CreateAccessKeyFailure(reason="InvalidId")
    self._access_key_id = access_key_id
    self._secret_access_key = role.secret_access_key
    self._session_token = role.session_token
    self._owner_role_name = role.role_arn.split("/")[-1]
    self._session_name = role.session_name
    if headers["X-Amz-Security-Token"] != self._session_token:
        raise access_control.CreateAccessKeyFailure(reason="InvalidToken")


def indexed_role_sessions() -> None:
    """Patch moto's role-key check (idempotent; see :func:`assumed_role_for`)."""
    access_control.AssumedRoleAccessKey.__init__ = _assumed_role_key_init  # type: ignore[method-assign]


class CachedDispatcher(DomainDispatcherApplication):
    """``DomainDispatcherApplication`` whose host → backend look-up is computed once per host,
    with moto's account look-ups patched on first use (:func:`existing_accounts_first`,
    :func:`remembered_key_accounts`, :func:`indexed_role_sessions`), and each backend's views called without Flask's
    per-request machinery (:mod:`sso_kit.sandbox.moto_direct`)."""

    def __init__(self) -> None:
        existing_accounts_first()
        remembered_key_accounts()
        indexed_role_sessions()
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
