"""The corrupt token caches every command must answer with a clear error (shared by tests).

Each variant puts something at the session's token path. ``MARKER`` sits in every value a
variant invents, so a test can prove that no message ever quotes the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

MARKER = "SeCrEtMaRkEr"
GOOD = {
    "startUrl": "https://my-sso-portal.awsapps.com/start",
    "region": "us-east-1",
    "accessToken": f"{MARKER}-access",
    "expiresAt": "2099-01-01T00:00:00Z",
    "clientId": f"{MARKER}-client",
    "clientSecret": f"{MARKER}-secret",
    "registrationExpiresAt": "2099-01-01T00:00:00Z",
    "refreshToken": f"{MARKER}-refresh",
}


def _doc(**changes: object) -> bytes:
    doc = dict(GOOD)
    for key, value in changes.items():
        if value is _DROP:
            doc.pop(key)
        else:
            doc[key] = value
    return json.dumps(doc).encode()


_DROP = object()
_TEXT = json.dumps(GOOD).encode()


def _bytes(data: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data)

    return make


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inside.json").write_text(MARKER)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device_link(path: Path) -> None:
    path.symlink_to("/dev/zero")  # endless: a plain read would never finish


#: (id, maker, is_regular_file)
VARIANTS: list[tuple[str, Callable[[Path], None], bool]] = [
    ("empty", _bytes(b""), True),
    ("whitespace", _bytes(b" \n\t \r\n"), True),
    ("truncated", _bytes(_TEXT[: len(_TEXT) // 2]), True),
    ("not JSON", _bytes(f"{MARKER} not json".encode()), True),
    ("null", _bytes(b"null"), True),
    ("a number", _bytes(b"42"), True),
    ("a list", _bytes(b'["' + MARKER.encode() + b'"]'), True),
    ("a string", _bytes(b'"' + MARKER.encode() + b'"'), True),
    ("NUL bytes", _bytes(b"\x00" * 64), True),
    ("NUL inside JSON", _bytes(_TEXT[:20] + b"\x00" + _TEXT[20:]), True),
    ("invalid UTF-8", _bytes(_TEXT.replace(b"-access", b"-\xff\xfe")), True),
    ("UTF-16", _bytes(_TEXT.decode().encode("utf-16")), True),
    ("UTF-8 BOM", _bytes(b"\xef\xbb\xbf" + _TEXT), True),
    ("deep nesting", _bytes(b"[" * 200_000 + b"]" * 200_000), True),
    ("too large", _bytes(b" " * (2 << 20) + _TEXT), True),
    ("no accessToken", _bytes(_doc(accessToken=_DROP)), True),
    ("no expiresAt", _bytes(_doc(expiresAt=_DROP)), True),
    ("accessToken empty", _bytes(_doc(accessToken="")), True),
    ("accessToken a dict", _bytes(_doc(accessToken={"value": MARKER})), True),
    ("accessToken a number", _bytes(_doc(accessToken=12345)), True),
    ("expiresAt garbage", _bytes(_doc(expiresAt=f"{MARKER}-soon")), True),
    ("expiresAt a list", _bytes(_doc(expiresAt=[MARKER])), True),
    ("expiresAt a number", _bytes(_doc(expiresAt=1893456000)), True),
    ("expiresAt null", _bytes(_doc(expiresAt=None)), True),
    ("expiresAt naive", _bytes(_doc(expiresAt="2099-01-01T00:00:00")), True),
    ("expiresAt +99:00", _bytes(_doc(expiresAt="2099-01-01T00:00:00+99:00")), True),
    ("expiresAt year 0", _bytes(_doc(expiresAt="0000-01-01T00:00:00Z")), True),
    ("expiresAt year 99999", _bytes(_doc(expiresAt="99999-01-01T00:00:00Z")), True),
    ("registrationExpiresAt garbage", _bytes(_doc(registrationExpiresAt=MARKER)), True),
    ("refreshToken a list", _bytes(_doc(refreshToken=[MARKER])), True),
    ("a directory", _directory, False),
    ("a FIFO", _fifo, False),
    ("a link to /dev/zero", _device_link, False),
]


def place(variant_id: str, path: Path) -> None:
    """Put variant ``variant_id`` at ``path`` (whatever was there is removed first)."""
    import shutil

    if path.is_symlink() or path.is_file() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    maker = {v[0]: v[1] for v in VARIANTS}[variant_id]
    maker(path)
