"""moto's server app with its per-request look-up cached, for a room's burst of S3 calls.

For every signed request moto's dispatcher lists its own package folder (``os.listdir`` and an
``isdir`` per service, about 175 system calls) to find which backend serves the request's host,
twice. The answer depends only on the host and on moto's installed files, which do not change
while the sandbox runs, so it is kept per host. Signatures and IAM policies are still checked on
every call: nothing that depends on the caller or the request is cached.
"""

from __future__ import annotations

from typing import Any

from moto import backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

#: Distinct hosts remembered (the credential scope names the host, so clients choose it: bound).
MAX_HOSTS = 256
_MISSING = object()


class CachedDispatcher(DomainDispatcherApplication):
    """``DomainDispatcherApplication`` whose host → backend look-up is computed once per host."""

    def __init__(self) -> None:
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
