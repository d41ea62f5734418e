"""Safe file primitives for the learner's config and the token caches.

* :func:`read_regular` reads a file without ever blocking: it opens with ``O_NONBLOCK`` and
  refuses anything that is not a regular file (a FIFO would hang a plain ``open``, and a
  character device such as ``/dev/null`` is not a config file).
* :func:`atomic_write` writes a temp file in the target's directory, fsyncs it and renames it
  over the target, so a reader (or a ``kill -9``) only ever sees the old or the new bytes.
  Temp files carry the writer's pid in their name. ``durable=False`` skips the fsync for files
  that can be made again (the SSO caches): still atomic for every reader, only a power cut
  within the kernel's writeback delay can lose the new bytes.
* :func:`clean_stale_temp` removes temp files that a killed writer left behind, and only
  those: the name must be ours and the writer must be gone (or the file old).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "STALE_SECONDS",
    "NotRegularFileError",
    "atomic_write",
    "check_regular",
    "clean_stale_temp",
    "file_kind",
    "read_regular",
]

#: A temp file older than this is stale even if its pid is alive again (pid reuse).
STALE_SECONDS = 600.0
#: A file stamp (mtime, ctime) this recent may hide a second write within the same coarse clock
#: tick: caches keyed on stamps do not trust one until it is older than this.
RACY_NS = 1_000_000_000
_TAG = ".sso-kit-"
# ".config.sso-kit-1234.k3j4h5g6.tmp": target name, writer pid, mkstemp's random part.
_OURS = re.compile(r"^\.(?P<name>.+)\.sso-kit-(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")
# Older sso-kit versions used mkstemp's bare names (".config.k3j4h5g6.tmp"): age decides.
_LEGACY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


class NotRegularFileError(OSError):
    """The path exists but is a directory, FIFO, device or socket."""

    def __init__(self, path: Path, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{path} is {kind}, not a regular file")


def file_kind(mode: int) -> str:
    """A human name for what a non-regular path is."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def check_regular(path: Path) -> bool:
    """True if ``path`` is a regular file (symlinks followed), False if it does not exist.

    Raises :class:`NotRegularFileError` for anything else; never opens the path.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(path, file_kind(mode))
    return True


def read_regular(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file, without blocking on a FIFO or device.

    Raises FileNotFoundError, :class:`NotRegularFileError`, or OSError (e.g. EACCES). With
    ``limit``, a larger file raises ``OSError(EFBIG)`` instead of being read into memory.
    """
    import errno

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(path, file_kind(info.st_mode))
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, "file too large", str(path))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            if limit is not None and sum(map(len, chunks)) > limit:
                raise OSError(errno.EFBIG, "file too large", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OverflowError:
        return False
    return True


def clean_stale_temp(directory: Path, *, legacy_names: tuple[str, ...] = ()) -> list[Path]:
    """Delete our temp files in ``directory`` whose writer is dead (or that are old).

    ``legacy_names``: targets whose older, pid-less temp names (``.NAME.xxxxxxxx.tmp``) are
    also removed once older than :data:`STALE_SECONDS`. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        ours = _OURS.match(entry.name)
        legacy = _LEGACY.match(entry.name) if not ours else None
        if not ours and not (legacy and legacy.group("name") in legacy_names):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        old = now - info.st_mtime > STALE_SECONDS
        if ours and not old and _pid_alive(int(ours.group("pid"))):
            continue
        if legacy and not old:
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def atomic_write(
    path: Path,
    data: bytes,
    mode: int = 0o600,
    *,
    check: Callable[[Path], None] | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``data`` atomically (temp file, fsync, rename), file mode ``mode``.

    ``check(temp_path)`` runs on the complete temp file before the rename; if it raises,
    ``path`` is left as it was. ``durable=False``: no fsync (see the module docstring).
    """
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}{_TAG}{os.getpid()}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o7777)
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
