"""What ``aws --version`` says, asked once per program file and kept in ``~/.sso-kit``.

Starting the AWS CLI takes a second or more (version 1 imports botocore first), and the kit
asks several times in a tutorial (the environment report, the CLI finder, doctor). The answer
is kept in :func:`cache_path` under the program's path and the file behind it (real path,
inode, size, modification time): reinstalling or updating the CLI writes a new file, which is
asked again. Only answers that name a version are kept. A wrapper script whose answer depends
on the environment (a pyenv shim follows ``PYENV_VERSION``) is cached like any other file.

Standard library only: ``sso-kit --help`` and doctor's imports stay cheap.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from sso_kit.files import atomic_write
from sso_kit.home import kit_home

__all__ = ["cache_path", "parse_version", "version_output"]

_VERSION = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``aws-cli/2.36.7 Python/3.11 ...`` -> (2, 36, 7)."""
    m = _VERSION.search(text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def cache_path() -> Path:
    """``~/.sso-kit/aws-versions.json``: what each ``aws --version`` said, by program file."""
    return kit_home() / "aws-versions.json"


def _fingerprint(path: str | Path) -> list[Any] | None:
    try:
        info = os.stat(path)  # follows links: the program file itself
    except OSError:
        return None
    return [os.path.realpath(path), info.st_ino, info.st_size, info.st_mtime_ns]


def _entries() -> dict[str, Any]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(path: str, fingerprint: list[Any], output: str) -> None:
    """Add one answer to the cache file (atomically: parallel kernels may write it too)."""
    cache = cache_path()
    entries = _entries()
    entries[path] = {"file": fingerprint, "output": output}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # a temp file of its own per write: the runner's thread and a kernel may write at once
        atomic_write(cache, json.dumps(entries, indent=1).encode("utf-8"), 0o644, durable=False)
    except OSError:
        pass  # no cache: the next look runs the program again


def version_output(path: str | Path, *, timeout: float = 60.0) -> str:
    """What ``PATH --version`` prints, stripped: stdout, else stderr (version 1 uses stderr).

    Raises ``OSError`` or ``subprocess.SubprocessError`` when the program cannot run.
    """
    key = str(path)
    fingerprint = _fingerprint(path)
    known = _entries().get(key)
    if fingerprint is not None and isinstance(known, dict) and known.get("file") == fingerprint:
        return str(known.get("output", ""))
    proc = subprocess.run(
        [key, "--version"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "AWS_PAGER": ""},
    )
    output = proc.stdout.strip() or proc.stderr.strip()
    if fingerprint is not None and parse_version(output) is not None:
        _remember(key, fingerprint, output)
    return output
