"""boto3 sessions and clients, built once per process and reused while nothing they read changed.

A new ``boto3.Session`` re-parses botocore's JSON service and endpoint models, and building a
client costs tens of milliseconds more (an S3 client parses the whole S3 endpoint ruleset and
builds a method per operation): most of a login's time before this module existed. Sessions
here share one botocore data loader (models are parsed once per process), and clients are
cached under a key made of everything that can change how they are built: the service,
profile and region, every ``AWS_*`` environment variable, HOME, and the modification stamp of
the config file. A changed config therefore means a fresh client, exactly as if a new
``boto3.Session`` had been made.

What a login, a refresh or a logout changes is only the credentials, so a signed client is
not rebuilt for them: it carries :func:`live credentials <_live_credentials_class>`, which
resolve again through botocore's own provider chain whenever the SSO token cache, the CLI's
role-credential cache or the shared credentials file changed since the last request (login,
refresh and logout all rename or delete files there, which changes the folder's stamp). A
request made after a logout therefore fails as it would in a new process, and one made after
a new login signs with what the files hold at that moment.

Building a botocore session costs as much again (it registers some 130 event handlers, and
each session builds its own client classes), so sessions are reused too, under the same key
minus the service and region. Like the AWS CLI v2, botocore's SSO provider keeps role
credentials in ``~/.aws/cli/cache``. Cached clients are botocore's own (what boto3's
``Session.client`` returns, without boto3's S3 transfer helpers, which nothing here uses): a
command imports botocore, not boto3 and s3transfer.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sso_kit.files import RACY_NS

__all__ = ["cached_client", "environment_key", "new_session"]

_MAX_CLIENTS = 32
_lock = threading.Lock()
_clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_sessions: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_session_lock = threading.Lock()  # botocore sessions are not thread-safe: one builder at once
_loader: Any = None
_FreshCredentials: type | None = None
_LiveCredentials: type | None = None
#: credentials are resolved again until the watched stamps are older than this
_RACY_NS = RACY_NS


def new_session(profile_name: str | None = None, **kwargs: Any) -> Any:
    """A fresh ``boto3.Session`` whose botocore session shares the process's model loader."""
    import boto3

    core = _botocore_session(profile_name)
    with _lock:
        session = boto3.Session(botocore_session=core, **kwargs)
        # boto3 appends its own data folder to the loader on every Session: keep one copy.
        paths = _loader.search_paths
        paths[:] = list(dict.fromkeys(paths))
    return session


def _botocore_session(profile_name: str | None) -> Any:
    """A botocore session on the shared loader (no boto3: the clients here need only botocore)."""
    global _loader
    from sso_kit.redaction import install

    install()  # secrets out of botocore's DEBUG records, whatever logging is configured
    core = _fresh_credentials_class()(profile=profile_name)
    with _lock:
        if _loader is None:
            _loader = _one_service_loader(core.get_component("data_loader"))
        core.register_component("data_loader", _loader)
    return core


def _one_service_loader(botocore_loader: Any) -> Any:
    """botocore's loader (same search path and extras), checking only the service it loads.

    botocore's ``load_service_model`` first lists every service that has the model type, a
    walk of 400-odd service folders once per model type and process (15-20 ms each, twice per
    command: the service and the endpoint-rule-set models), only to see that the one asked
    for is among them. This looks in that service's folder instead; a name that is not there
    goes to botocore's own method, whose UnknownServiceError lists the known ones as usual.
    Files are read through :class:`~sso_kit.model_cache.MarshalFileLoader`.
    """
    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import Loader, instance_cache

    class OneServiceLoader(Loader):  # type: ignore[misc]
        @instance_cache
        def load_service_model(
            self, service_name: str, type_name: str, api_version: str | None = None
        ) -> Any:
            try:
                latest = self.determine_latest_version(service_name, type_name)
            except DataNotFoundError:
                latest = None
            if latest is None or os.sep in service_name or service_name.startswith("."):
                return super().load_service_model(service_name, type_name, api_version)
            api_version = api_version or latest
            # The rest is botocore's own method: the model, then its extras.
            model = self.load_data(os.path.join(service_name, api_version, type_name))
            extras = self._find_extras(service_name, type_name, api_version)
            self._extras_processor.process(model, extras)
            return model

    from sso_kit.model_cache import MarshalFileLoader

    loader = OneServiceLoader(
        extra_search_paths=list(botocore_loader.search_paths),
        file_loader=MarshalFileLoader(),  # a new process reads botocore's parses, not its JSON
        include_default_search_paths=False,
    )
    loader._extras_types[:] = botocore_loader.extras_types
    return loader


def _fresh_credentials_class() -> type:
    """botocore's Session whose clients carry live credentials (the class is built once)."""
    global _FreshCredentials
    if _FreshCredentials is None:
        import botocore.session

        class FreshCredentialsSession(botocore.session.Session):  # type: ignore[misc]
            """Each client gets credentials that follow the config and caches as they change.

            A plain session resolves once and hands every later client the same object,
            which would outlive a logout or a new login.
            """

            def get_credentials(self) -> Any:
                resolver = self.get_component("credential_provider")
                return _live_credentials_class()(resolver.load_credentials, _credential_files())

        _FreshCredentials = FreshCredentialsSession
    return _FreshCredentials


def _credential_files() -> tuple[Path, ...]:
    """Where a login, refresh or logout changes what botocore's provider chain resolves."""
    home = Path(os.path.expanduser("~"))
    shared = os.environ.get("AWS_SHARED_CREDENTIALS_FILE", home / ".aws" / "credentials")
    cache = home / ".aws"
    return (cache / "sso" / "cache", cache / "cli" / "cache", Path(shared).expanduser())


def _watch_stamp(paths: tuple[Path, ...]) -> tuple[Any, ...] | None:
    """The paths' stamps, or None while one changed too recently to be trusted."""
    now = time.time_ns()
    stamps: list[Any] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            stamps.append(None)
            continue
        if now - st.st_mtime_ns < _RACY_NS:
            return None
        stamps.append((st.st_mtime_ns, st.st_ino))
    return tuple(stamps)


def _live_credentials_class() -> type:
    """botocore ``Credentials`` that resolve again when the files behind them change (once)."""
    global _LiveCredentials
    if _LiveCredentials is None:
        from botocore.credentials import Credentials

        class LiveCredentials(Credentials):  # type: ignore[misc]
            """What the provider chain gives now; re-resolved only when a watched file changed.

            Between changes this is the provider's own object (for SSO, botocore's
            refreshable credentials, which renew themselves before they expire), so a
            request costs three ``stat`` calls more than with plain credentials.
            """

            def __init__(self, resolve: Callable[[], Any], files: tuple[Path, ...]) -> None:
                self._resolve, self._files = resolve, files
                self._guard = threading.Lock()
                self._seen: tuple[Any, ...] | None = None
                self._inner: Any = None
                self._now()  # resolve at creation, as botocore does for a new client

            def __repr__(self) -> str:
                return f"LiveCredentials(method={self.method!r})"

            def _now(self) -> Any:
                stamp = _watch_stamp(self._files)
                with self._guard:
                    if stamp is None or stamp != self._seen:
                        self._inner = self._resolve()
                        self._seen = stamp
                    return self._inner

            def get_frozen_credentials(self) -> Any:
                inner = self._now()
                return None if inner is None else inner.get_frozen_credentials()

            def _part(name: str) -> Any:  # type: ignore[misc]
                return property(lambda self: getattr(self._now(), name, None))

            access_key = _part("access_key")
            secret_key = _part("secret_key")
            token = _part("token")
            method = _part("method")
            account_id = _part("account_id")
            del _part

        _LiveCredentials = LiveCredentials
    return _LiveCredentials


def _share_role_credential_cache(core: Any) -> None:
    """Give botocore's SSO credential provider the AWS CLI's role-credential file cache."""
    from botocore.exceptions import ProfileNotFound

    from sso_kit.cache import RoleCredentialCache

    try:
        resolver = core.get_component("credential_provider")
    except ProfileNotFound:
        return  # boto3's client() raises it again, as callers expect
    resolver.get_provider("sso").cache = RoleCredentialCache()


def _session_for(key: tuple[Any, ...], profile: str | None) -> Any:
    """The reused session for ``key`` (profile, HOME, AWS_* variables, config stamp)."""
    with _lock:
        session = _sessions.get(key)
        if session is not None:
            _sessions.move_to_end(key)
            return session
    session = _botocore_session(profile)
    _share_role_credential_cache(session)
    with _lock:
        session = _sessions.setdefault(key, session)
        while len(_sessions) > _MAX_CLIENTS:
            _sessions.popitem(last=False)
    return session


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ino


def _key(
    service: str, profile: str | None, region: str | None, unsigned: bool, options: tuple
) -> tuple:
    return (service, profile, region, unsigned, options, *environment_key())


def environment_key() -> tuple[str, tuple[tuple[str, str], ...], tuple[int, int] | None]:
    """What botocore reads besides a client's arguments: HOME, the ``AWS_*`` variables and the
    config file's stamp. A client built while these are unchanged is the one a new build makes."""
    home = os.path.expanduser("~")
    named = os.environ.get("AWS_CONFIG_FILE")  # os.path, not pathlib: three keys per login
    config = os.path.join(home, ".aws", "config") if named is None else os.path.expanduser(named)
    # keys first: decoding every variable's value costs more than the rest of the key
    env = tuple(sorted((k, os.environ[k]) for k in os.environ if k.startswith("AWS_")))
    return home, env, _stamp(config or ".")


def _session_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A client key without what only the client depends on (service, region, options)."""
    _service, profile, _region, _unsigned, _options, home, env, config = key
    return (profile, home, env, config)


def cached_client(
    service: str,
    *,
    profile: str | None = None,
    region: str | None = None,
    unsigned: bool = False,
    max_attempts: int | None = None,
) -> Any:
    """A boto3 client, reused while its inputs (see the module docstring) are unchanged.

    Raises botocore's ``ProfileNotFound`` like ``boto3.Session(profile_name=…)`` does.
    """
    key = _key(service, profile, region, unsigned, (max_attempts,))
    with _lock:
        client = _clients.get(key)
        if client is not None:
            _clients.move_to_end(key)
            return client
    from botocore import UNSIGNED
    from botocore.config import Config

    options: dict[str, Any] = {}
    if unsigned:
        options["signature_version"] = UNSIGNED
    if max_attempts is not None:
        options["retries"] = {"max_attempts": max_attempts, "mode": "standard"}
    session = _session_for(_session_key(key), profile)
    with _session_lock:
        client = session.create_client(
            service, region_name=region, config=Config(**options) if options else None
        )
    with _lock:
        _clients[key] = client
        while len(_clients) > _MAX_CLIENTS:
            _clients.popitem(last=False)
    return client
