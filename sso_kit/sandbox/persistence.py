"""``--data-dir``: save and restore the directory, sessions and S3 buckets across restarts.

The state is one JSON file (written atomically, owner-only) holding the directory as a seed,
the OIDC state (clients, device authorizations, tokens) and every bucket with its tags and
objects. moto's backends are rebuilt from it through their own methods on start.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

STATE_NAME = "sandbox-state.json"


def export_buckets() -> dict[str, list[dict[str, Any]]]:
    from moto.s3.models import s3_backends

    result: dict[str, list[dict[str, Any]]] = {}
    for account_id, regions in list(s3_backends.items()):
        backend = regions["aws"]
        rows = []
        for name, bucket in list(backend.buckets.items()):
            objects = []
            for key in list(bucket.keys.values()):
                if key is None or getattr(key, "name", None) is None:
                    continue
                objects.append(
                    {
                        "key": key.name,
                        "body": base64.b64encode(key.value).decode("ascii"),
                        "content_type": key.content_type if hasattr(key, "content_type") else None,
                    }
                )
            tags = backend.get_bucket_tagging(name).get("Tags", [])
            rows.append(
                {"name": name, "region": bucket.region_name, "tags": tags, "objects": objects}
            )
        if rows:
            result[account_id] = rows
    return result


def restore_buckets(data: dict[str, list[dict[str, Any]]]) -> None:
    from moto.s3.models import s3_backends

    for account_id, rows in data.items():
        backend = s3_backends[account_id]["aws"]
        for row in rows:
            if row["name"] not in backend.buckets:
                backend.create_bucket(row["name"], row["region"])
            if row["tags"]:
                backend.put_bucket_tagging(row["name"], {t["Key"]: t["Value"] for t in row["tags"]})
            for obj in row["objects"]:
                backend.put_object(row["name"], obj["key"], base64.b64decode(obj["body"]))


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents owner-only (0700); existing ones stay as they are."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask


def tighten_dir(path: Path) -> None:
    """Make a folder of ours owner-only; leave shared ones (sticky, like /tmp) alone."""
    info = path.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
        os.chmod(path, 0o700)


def write_json_private(path: Path, data: dict[str, Any]) -> None:
    """Atomic, owner-only (0600) JSON write: the file may hold sandbox credentials.

    A folder it has to create is owner-only (0700) too.
    """
    if not path.parent.exists():
        make_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _error(message: str, hint: str) -> Exception:
    from sso_kit.errors import SandboxError

    return SandboxError(message, hint=hint)


class DataDir:
    """``--data-dir``, held by one sandbox at a time (an exclusive lock on ``.lock``).

    Opening it creates it owner-only, proves it is writable and removes temporary files a
    killed sandbox left behind (safe: nobody else holds the lock).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def open(self) -> DataDir:
        import fcntl

        hint = "Choose another --data-dir, or fix the folder's owner and permissions."
        try:
            make_private_dir(self.path)
            tighten_dir(self.path)
            fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise _error(
                f"The sandbox data dir {self.path} cannot be used ({err.strerror or err}).", hint
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise _error(
                f"Another sandbox is already using the data dir {self.path}.",
                "Stop that sandbox first, or give this one another --data-dir.",
            ) from None
        self._fd = fd
        for stale in self.path.glob(f".{STATE_NAME}.*.tmp"):
            stale.unlink(missing_ok=True)
        probe = self.path / f".{STATE_NAME}.probe.tmp"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            self.close()
            raise _error(
                f"The sandbox data dir {self.path} is not writable ({err.strerror or err}).", hint
            ) from None
        return self

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None


def load(data_dir: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none yet; a broken file is a start-up error."""
    path = data_dir / STATE_NAME
    if not path.exists():
        return None
    hint = "Move the file aside to start clean, or restore it from a backup."
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise _error(
            f"The sandbox state in {path} cannot be read ({type(err).__name__}).", hint
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("directory"), dict):
        raise _error(f"The sandbox state in {path} is not a saved sandbox state.", hint)
    return data


def restore(saved: dict[str, Any], oidc: Any, path: Path) -> Any:
    """Rebuild the directory, OIDC state and buckets from ``saved``; returns the directory."""
    from sso_kit.sandbox.directory import Directory
    from sso_kit.sandbox.seed import check_seed

    hint = "Move the file aside to start clean, or restore it from a backup."
    try:
        saved_dir = saved["directory"]
        seed = check_seed(saved_dir["seed"], str(path))
        directory = Directory(seed)
        directory.apply_seed(
            passwords=saved_dir.get("passwords") or {}, admin=saved_dir.get("admin")
        )
        oidc.restore(saved.get("oidc") or {})
        restore_buckets(saved.get("buckets") or {})
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise _error(
            f"The sandbox state in {path} is damaged ({type(err).__name__}: {str(err)[:80]}).",
            hint,
        ) from None
    return directory
