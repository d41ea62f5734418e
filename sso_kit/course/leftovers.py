"""What the tutorial leaves in ``~/.aws``, so step 09 removes exactly that and says what stays.

The first notebook run records which of ``~/.aws``'s cache folders already existed, and when
(:func:`remember_first_seen`). Clean-up then removes what appeared during the tutorial: the
config lock and config backups sso-kit wrote next to ``~/.aws/config``, the tutorial session's
token and client registration, and the cache folders the tutorial created (``~/.aws/cli``
appears the first time CLI v2 runs; ``~/.aws/sso`` at the first login). Folders that were
there before keep everything that is not the tutorial's.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from sso_kit import cache
from sso_kit.home import kit_home

__all__ = [
    "WHAT_STAYS",
    "clean_up",
    "config_state",
    "kit_leftovers",
    "remember_first_seen",
    "remove_kit_leftovers",
]

WHAT_STAYS = (
    "What stays, on purpose: ~/.sso-kit/ (the kit's own folder: backups/ holds the copy of "
    "your config from before the tutorial and the one from just before the restore, "
    "tutorial-state.json, checks.json with your check results, the sandbox's state file; "
    "delete it when you no longer need them), and every file in ~/.aws that was there before "
    "the tutorial."
)
_TRACKED = (("sso",), ("cli",))


def _aws_dir() -> Path:
    return Path(os.path.expanduser("~")) / ".aws"


def _record_path() -> Path:
    return kit_home() / "aws-before-tutorial.json"


def remember_first_seen() -> dict[str, Any]:
    """Record (once) which cache folders exist and the time; later calls return that record."""
    path = _record_path()
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    record = {
        "since": cache.format_timestamp(cache.utc_now()),
        "existed": [
            str(Path(*parts)) for parts in _TRACKED if (_aws_dir().joinpath(*parts)).exists()
        ],
    }
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), "utf-8")
    os.replace(tmp, path)
    return record


def _record() -> dict[str, Any] | None:
    try:
        return dict(json.loads(_record_path().read_text("utf-8")))
    except (OSError, ValueError):
        return None


def _config_file() -> Path:
    from sso_kit.config import config_path

    return Path(os.path.realpath(config_path()))


def kit_leftovers(
    *, sso_session: str | None = None, start_url: str | None = None, sso_region: str | None = None
) -> list[Path]:
    """Files and folders in ``~/.aws`` that the tutorial created and clean-up should remove."""
    from sso_kit.config import BACKUP_PREFIX

    record = _record()
    config = _config_file()
    found: list[Path] = []
    lock = config.with_name(config.name + ".sso-kit.lock")
    if lock.exists():
        found.append(lock)
    since = (record or {}).get("since", "")
    stamp_since = since.replace("-", "").replace(":", "")[:15]  # 20261201T204631
    for backup in sorted(config.parent.glob(f"{config.name}{BACKUP_PREFIX}*")):
        if backup.name[len(config.name + BACKUP_PREFIX) :][:15] >= stamp_since:
            found.append(backup)
    existed = set((record or {}).get("existed", [str(Path(*p)) for p in _TRACKED]))
    for parts in _TRACKED:
        folder = _aws_dir().joinpath(*parts)
        if folder.exists() and str(Path(*parts)) not in existed:
            found.append(folder)
    if sso_session and "sso" in existed:
        token = cache.token_cache_path(sso_session)
        if token.exists():
            found.append(token)
        if start_url and sso_region:
            for scopes in (["sso:account:access"], None):
                key = cache.registration_cache_key(start_url, sso_region, scopes, sso_session)
                registration = cache.sso_cache_dir() / f"{key}.json"
                if registration.exists():
                    found.append(registration)
    return found


def remove_kit_leftovers(**kwargs: Any) -> list[Path]:
    """Remove :func:`kit_leftovers`; returns what was removed."""
    removed = []
    for path in kit_leftovers(**kwargs):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def config_state(target: Any) -> tuple[bool, str, str]:
    """Is ``~/.aws/config`` back to what it was? (done, what is true, the command to fix it)."""
    import hashlib

    from sso_kit.config import load_config
    from sso_kit.course.state import load_state

    config = _config_file()
    state = load_state()
    record = state.get("original_config")
    if record:
        if record.get("existed"):
            backup = Path(record["backup"])
            same = (
                config.exists() and backup.exists() and config.read_bytes() == backup.read_bytes()
            )
            if same:
                return True, f"{config} is byte for byte its copy from before the tutorial.", ""
            return (
                False,
                (f"{config} still differs from its copy from before the tutorial ({backup})."),
                f"cp '{backup}' '{config}'",
            )
        if not config.exists():
            return True, f"{config} is gone again: it did not exist before the tutorial.", ""
        return False, f"{config} did not exist before the tutorial.", f"rm '{config}'"
    restored = state.get("restored")
    if restored:
        digest = hashlib.sha256(config.read_bytes()).hexdigest() if config.exists() else None
        if digest == restored.get("sha256"):
            return True, "Your AWS config is byte for byte what it was before the tutorial.", ""
        return True, f"{config} was restored, and you have changed it since (that is fine).", ""
    loaded = load_config()
    here = [
        f"[profile {target.profile}]" if target.profile in loaded["profiles"] else "",
        f"[sso-session {target.sso_session}]"
        if target.sso_session in loaded["sso_sessions"]
        else "",
    ]
    here = [h for h in here if h]
    if not here:
        return True, f"{config} has no section of the tutorial.", ""
    return (
        False,
        (
            f"{config} still has {' and '.join(here)}, and there is no record of the file from "
            "before the tutorial."
        ),
        f"Delete {' and '.join(here)} from {config} in an editor.",
    )


def clean_up(kit: Any, *, delete_buckets: bool = True, keep_profile: bool = False) -> str:
    """Step 09: the kit's clean-up (buckets, sign-out, config restore), then remove what the
    tutorial created in ``~/.aws``, and say precisely what stays and why."""
    from sso_kit.course.cleanup import clean_up as clean_up_kit
    from sso_kit.errors import SsoKitError

    try:
        lines = [clean_up_kit(kit, delete_buckets=delete_buckets, keep_profile=keep_profile)]
    except SsoKitError as exc:  # its hint names a CLI command; in the notebook, say the click
        exc.hint = "Click Log in above and approve the code, then click Clean up now again."
        exc.args = (f"{exc.message} {exc.hint}",)
        raise
    removed = remove_kit_leftovers(
        sso_session=kit.sso_session, start_url=kit.start_url, sso_region=kit.sso_region
    )
    home = str(Path(os.path.expanduser("~")))
    shown = [str(p).replace(home, "~", 1) for p in removed]
    lines.append(
        f"Removed what the tutorial created in ~/.aws: {', '.join(shown)}."
        if shown
        else "Nothing else the tutorial created is left in ~/.aws."
    )
    lines.append(WHAT_STAYS)
    return "\n".join(lines)
