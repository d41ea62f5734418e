"""The kit's home folder, ``~/.sso-kit``: its own state, never inside ``~/.aws``.

One place for the path, so the sandbox's state file, the login locks, the lab and the tutorial
state all agree. It follows ``HOME`` at call time (tests and isolated runs change it).
"""

from __future__ import annotations

from pathlib import Path


def kit_home() -> Path:
    """``~/.sso-kit`` (not created here: each writer creates what it needs)."""
    return Path.home() / ".sso-kit"
