"""botocore's JSON data files, kept parsed as marshal data in ``~/.sso-kit/models``.

Every new process parses botocore's ``endpoints.json`` (1.2 MB) and each client's service
model and endpoint rules again: S3's model alone is 1.4 MB of JSON, and parsing is most of
building an S3 client (20-30 ms of ``sso-kit ls``). Like Python's own ``.pyc`` files, this
keeps each parse as marshal data, which loads two to three times faster.

An entry belongs to one data file (its path names it) and holds that file's stamp (device,
inode, size, modification and change times) and Python's version beside the data: a changed
or reinstalled botocore, or another Python, makes it a miss, and the file is parsed as
botocore parses it and the entry rewritten. A file changed within :data:`~sso_kit.files.RACY_NS`
is not kept (its stamp might not show a second change). Entries are written atomically,
owner-only, and only ours are read (an entry owned by someone else is a miss); anything
unreadable is a miss too, never an error.

What comes back holds the same data in the same order as botocore's own loader gives, but
as plain dicts where botocore makes ``OrderedDict`` (marshal keeps only plain types); botocore
reads its models through ``get``/``items`` and builds its own ordered maps from them.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

from botocore.loaders import JSONFileLoader

from sso_kit.files import RACY_NS, atomic_write, clean_stale_temp
from sso_kit.home import kit_home

__all__ = ["MarshalFileLoader"]

_log = logging.getLogger(__name__)
#: botocore's file endings, in the order its JSONFileLoader tries them
_ENDINGS = (".json", ".json.gz")
_RACY_NS = RACY_NS


class MarshalFileLoader(JSONFileLoader):  # type: ignore[misc]
    """botocore's JSON file loader, with each parse kept as a marshal file (see the module)."""

    def load_file(self, file_path: str) -> Any:
        for ending in _ENDINGS:
            source = file_path + ending
            try:
                st = os.stat(source)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # botocore's isfile() skips it too
            stamp = (sys.version, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            entry = _entry_path(source)
            data = _read(entry, stamp)
            if data is not None:
                return data
            data = super().load_file(file_path)
            if data is not None and time.time_ns() - st.st_ctime_ns >= _RACY_NS:
                _write(entry, stamp, data)
            return data
        return None


def _entry_path(source: str) -> str:
    name = hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(kit_home(), "models", f"{name}.marshal")


def _read(entry: str, stamp: tuple[Any, ...]) -> Any:
    """The kept data, or None: missing, another stamp, not ours, or unreadable."""
    try:
        with open(entry, "rb") as fh:
            if os.fstat(fh.fileno()).st_uid != os.getuid():
                return None
            raw = fh.read()  # marshal.load(fh) would read object by object: 4x slower
        kept, data = marshal.loads(raw)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if kept == stamp and isinstance(data, (dict, list)) else None


def _plain(value: Any) -> Any:
    """botocore's parse with its OrderedDicts as dicts (same order), for marshal."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _write(entry: str, stamp: tuple[Any, ...], data: Any) -> None:
    """Keep one parse; any failure only means the next process parses the JSON again."""
    try:
        payload = marshal.dumps((stamp, _plain(data)))
        folder = os.path.dirname(entry)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        clean_stale_temp(Path(folder))  # what a killed writer left (only on a miss: rare)
        atomic_write(Path(entry), payload, 0o600, durable=False)
    except (OSError, ValueError) as exc:
        _log.debug("botocore data not kept (%s)", type(exc).__name__)
