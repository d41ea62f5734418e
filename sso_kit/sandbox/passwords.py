"""Sandbox passwords: salted scrypt hashes, with a fast path for the password last set.

A mixin of :class:`sso_kit.sandbox.directory.Directory`: the identity store (moto) knows the
users, the sandbox alone knows their passwords.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field

from sso_kit.sandbox.oidc.records import new_secret


@dataclass(frozen=True)
class User:
    """Sign-in details of a sandbox user; the password is a sandbox credential."""

    name: str
    password: str = field(repr=False)


def new_password() -> str:
    """A password that is easy to copy from a terminal: 16 URL-safe characters.

    Never a leading ``-`` (one in 64 would have one): typed after ``--password`` it would read
    as an option, and ``sso-kit workshop check --password -x…`` stops with a usage error.
    """
    return new_secret(12)


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**12, r=8, p=1)


class Passwords:
    """Set and check sandbox passwords; ``users`` holds only those the sandbox created."""

    lock: threading.RLock  # provided by Directory

    def _init_passwords(self) -> None:
        self._hashes: dict[str, tuple[bytes, bytes]] = {}
        # name -> HMAC of the password last set (or last accepted by scrypt), so a learner's
        # sign-ins skip the deliberately slow hash: a room signing in for the first time at
        # once would otherwise queue behind one scrypt each. A wrong password still pays it.
        self._verified: dict[str, bytes] = {}
        self._verified_key = secrets.token_bytes(32)
        self.users: dict[str, User] = {}  # only users whose password we created and printed

    def _mac(self, password: str) -> bytes:
        return hmac.new(self._verified_key, password.encode("utf-8"), "sha256").digest()

    def set_password(self, name: str, password: str) -> None:
        salt = secrets.token_bytes(16)
        digest = _hash(password, salt)
        with self.lock:
            self._hashes[name] = (salt, digest)
            self._verified[name] = self._mac(password)  # we know it: no need to scrypt it again
            self.users[name] = User(name, password)

    def authenticate(self, name: str, password: str) -> bool:
        """True when ``password`` is right for ``name``; same cost for unknown users."""
        mac = self._mac(password or "")
        with self.lock:
            salt, digest = self._hashes.get(name, (b"\0" * 16, b""))
            known = self._verified.get(name)
        if known is not None and hmac.compare_digest(known, mac):
            return True
        candidate = _hash(password or "", salt)
        ok = bool(digest) and secrets.compare_digest(candidate, digest)
        if ok:
            with self.lock:
                self._verified[name] = mac
        return ok
