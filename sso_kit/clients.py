"""boto3 sessions and clients, built once per process and reused while nothing they read changed.

A new ``boto3.Session`` re-parses botocore's JSON service and endpoint models, and building a
client costs tens of milliseconds more: most of a login's time before this module existed.
Sessions here share one botocore data loader (models are parsed once per process), and clients
are cached under a key made of everything that can change what they do: the service, profile
and region, every ``AWS_*`` environment variable, HOME, and the modification stamps of the
config file and, for signed clients, of the SSO token and CLI credential cache folders (login,
refresh and logout all rename or delete files there, which changes the folder's stamp). A
changed file therefore means a fresh client, exactly as if a new ``boto3.Session`` had been
made: after a logout, ``list_buckets`` fails as it would in a new process.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

__all__ = ["cached_client", "new_session"]

_MAX_CLIENTS = 32
_lock = threading.Lock()
_clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_loader: Any = None


def new_session(profile_name: str | None = None, **kwargs: Any) -> Any:
    """A fresh ``boto3.Session`` whose botocore session shares the process's model loader."""
    global _loader
    import boto3
    import botocore.session

    from sso_kit.redaction import install

    install()  # secrets out of botocore's DEBUG records, whatever logging is configured
    core = botocore.session.Session(profile=profile_name)
    with _lock:
        if _loader is None:
            _loader = core.get_component("data_loader")
        else:
            core.register_component("data_loader", _loader)
        session = boto3.Session(botocore_session=core, **kwargs)
        # boto3 appends its own data folder to the loader on every Session: keep one copy.
        paths = _loader.search_paths
        paths[:] = list(dict.fromkeys(paths))
    return session


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ino


def _key(
    service: str, profile: str | None, region: str | None, unsigned: bool, options: tuple
) -> tuple:
    home = Path(os.path.expanduser("~"))
    config = Path(os.environ.get("AWS_CONFIG_FILE", home / ".aws" / "config")).expanduser()
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    files: tuple[Any, ...] = (_stamp(config),)
    if not unsigned:  # signed clients carry credentials that come from the caches
        files += (_stamp(home / ".aws" / "sso" / "cache"), _stamp(home / ".aws" / "cli" / "cache"))
    return (service, profile, region, unsigned, options, str(home), env, files)


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
    client = new_session(profile).client(
        service, region_name=region, config=Config(**options) if options else None
    )
    with _lock:
        _clients[key] = client
        while len(_clients) > _MAX_CLIENTS:
            _clients.popitem(last=False)
    return client
