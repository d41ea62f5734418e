"""Backup and exact restore of the learner's ``~/.aws/config`` around the tutorial.

A learner's config is precious: step 05 keeps a byte-exact copy before the first write, and
step 09 puts it back byte for byte (the current file is copied aside first).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from sso_kit import events
from sso_kit.course.state import kit_dir, load_state, save_state
from sso_kit.errors import ConfigError


def remember_original_config() -> dict[str, Any]:
    """Before the tutorial's first write: keep a byte-exact copy of ``~/.aws/config``.

    Only the first call records anything, so re-running step 05 never replaces the copy of
    the learner's original file with one that already contains the tutorial's profile.
    """
    from sso_kit.config import config_path

    state = load_state()
    if "original_config" in state:
        return state["original_config"]
    state.pop("restored", None)
    path = config_path()
    record: dict[str, Any] = {"path": str(path), "existed": path.exists(), "backup": None}
    if path.exists():
        backups = kit_dir() / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        backup = backups / f"config.before-tutorial.{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.copy2(path, backup)
        record["backup"] = str(backup)
    state["original_config"] = record
    save_state(state)
    return record


def restore_original_config() -> str:
    """Put ``~/.aws/config`` back exactly as it was before step 05; returns what happened.

    The current file is copied aside first, so nothing the learner wrote since is lost.
    """
    state = load_state()
    record = state.get("original_config")
    if not record and "restored" in state:
        return f"Already restored {state['restored']['path']} earlier; nothing more to do."
    if not record:
        return "Nothing to restore: the tutorial never wrote your config from this machine."
    path = Path(record["path"])
    if path.exists():
        aside = kit_dir() / "backups" / f"config.after-tutorial.{time.strftime('%Y%m%d-%H%M%S')}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, aside)
    if record["existed"]:
        backup = Path(record["backup"])
        if not backup.exists():
            raise ConfigError(
                f"The pre-tutorial copy {backup} is missing, so {path} was left as it is.",
                hint="Remove the tutorial's profile by hand, or run with keep_profile=True.",
            )
        from sso_kit.config import replace_config

        replace_config(backup.read_bytes(), path)  # through a dotfile symlink, atomically
        message = f"Restored {path} byte for byte from {backup}."
    else:
        path.unlink(missing_ok=True)
        message = f"Removed {path}: it did not exist before the tutorial."
    del state["original_config"]
    state["restored"] = {"path": str(path), "sha256": _sha256(path)}
    save_state(state)
    events.publish("config")  # the widgets' session state re-reads the restored config
    return message


def _sha256(path: Path) -> str | None:
    """Hex digest of a file, None when it does not exist."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def config_restored(*, keep_profile: bool = False) -> tuple[bool, str]:
    """After clean-up: the tutorial's record is gone (restored), or the profile was kept."""
    if keep_profile:
        return True, "You kept the profile; nothing to check."
    state = load_state()
    if "original_config" in state or "restored" not in state:
        return False, "Your config has not been restored yet."
    restored = state["restored"]
    if _sha256(Path(restored["path"])) != restored["sha256"]:
        return False, f"{restored['path']} changed after it was restored."
    return True, "Your AWS config is byte for byte what it was before the tutorial."
