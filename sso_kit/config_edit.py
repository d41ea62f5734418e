"""Edit the AWS config file the way the AWS CLI writer does (public names: :mod:`sso_kit.config`).

Editing uses ConfigUpdater (comment-preserving) and follows the CLI writer's rules: update keys
in place, insert new keys after the section's last option, append new sections at the end with
no blank line. Every other byte is kept. Writes are atomic (temp file in the same directory,
fsync, ``os.replace``, original mode kept, new files 0600), hold an inter-process lock, and keep
a bounded number of backups.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sso_kit import events
from sso_kit.config_read import (
    LEGACY_KEYS,
    _not_regular,
    _parse_detail,
    _unparsable,
    _unreadable,
    config_path,
    load_config,
)
from sso_kit.errors import ConfigError, ConfigWriteError, ProfileNotFoundError
from sso_kit.files import (
    NotRegularFileError,
    atomic_write,
    check_regular,
    clean_stale_temp,
    read_regular,
)
from sso_kit.validate import (
    validate_account_id,
    validate_endpoint_url,
    validate_name,
    validate_output,
    validate_region,
    validate_role_name,
    validate_scopes,
    validate_sso_region,
    validate_start_url,
)

KEEP_BACKUPS = 5
BACKUP_PREFIX = ".sso-kit-backup-"


@dataclass(frozen=True)
class ConfigChange:
    """What :func:`configure_profile` wrote (``section_text`` is for display; no secrets)."""

    path: Path
    backup: Path | None
    profile: str
    sso_session: str
    section_text: str
    created: bool


# --------------------------------------------------------------------------- editing


def _header(kind: str, name: str) -> str:
    if kind == "profile":
        return "default" if name == "default" else f"profile {name}"
    return f"sso-session {name}"


def _section_key(header: str) -> tuple[str, str] | None:
    """(kind, name) of a section header the way botocore reads it."""
    header = header.strip()
    if header == "default":
        return ("profile", "default")
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    if len(parts) == 2 and parts[0] in ("profile", "sso-session"):
        return (parts[0], parts[1])
    return None


def _find_sections(updater: Any, kind: str, name: str) -> list[Any]:
    return [s for s in updater.iter_sections() if _section_key(s.name) == (kind, name)]


def _set_keys(
    updater: Any,
    kind: str,
    name: str,
    values: dict[str, str | None],
    delete: tuple[str, ...] = (),
) -> None:
    """Set keys in one section (None values are skipped), delete ``delete`` keys.

    A missing section is appended at the end of the file.
    """
    from configupdater.builder import BlockBuilder

    wanted = {k: v for k, v in values.items() if v is not None}
    sections = _find_sections(updater, kind, name)
    if not sections:
        if not wanted:
            return
        updater.add_section(_header(kind, name))
        section = updater[_header(kind, name)]
        for key, value in wanted.items():
            section[key] = value
        return
    # botocore uses the last matching section, so that is the one to edit.
    section = sections[-1]
    for key in delete:
        if key in section:
            del section[key]
    for key, value in wanted.items():
        if key in section:
            section[key].value = value
            continue
        options = list(section.iter_options())
        if options:
            options[-1].add_after.option(key, value)
        else:
            BlockBuilder(section, 0).option(key, value)


def _write_error(path: Path, exc: OSError) -> ConfigWriteError:
    reason = exc.strerror or type(exc).__name__
    parent = path.parent
    if isinstance(exc, (FileExistsError, NotADirectoryError)) or (
        parent.exists() and not parent.is_dir()
    ):
        hint = f"Something in {parent} is a file where a folder is needed: move it away."
    else:
        hint = f"Check free space and that {parent} is writable by you, then try again."
    return ConfigWriteError(
        f"Could not write {path} ({reason}); the original is untouched.", hint=hint
    )


@contextmanager
def _locked_file(path: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock_path = path.with_name(path.name + ".sso-kit.lock")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # filelock retries an uncreatable lock file until its timeout: find out at once.
        os.close(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600))
        lock = FileLock(str(lock_path))
        lock.acquire(timeout=30)
    except Timeout:
        raise ConfigWriteError(
            f"Another program has been editing {path} for 30 seconds.",
            hint="Wait for it to finish (or close other sso-kit sessions) and try again.",
        ) from None
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        # Nobody of ours writes while we hold the lock: temp files now present are leftovers
        # of a killed writer.
        clean_stale_temp(path.parent, legacy_names=(path.name,))
        yield
    finally:
        lock.release()


def _prune_backups(path: Path) -> None:
    """Keep the newest KEEP_BACKUPS backups (also after a writer was killed mid-way)."""
    old = sorted(path.parent.glob(f"{path.name}{BACKUP_PREFIX}*"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)


def _backup(path: Path, data: bytes, mode: int) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}{BACKUP_PREFIX}{stamp}")
    atomic_write(backup, data, mode & 0o777)
    _prune_backups(path)
    return backup


def _read_for_edit(path: Path) -> tuple[bytes, int, bool]:
    """(bytes, mode, created) of the file about to be edited; refuses non-regular files."""
    try:
        original = read_regular(path)
        return original, os.stat(path).st_mode, False
    except FileNotFoundError:
        return b"", 0o600, True
    except NotRegularFileError as exc:
        raise _not_regular(path, exc) from None
    except OSError as exc:
        raise _unreadable(path, exc, ConfigWriteError) from None


def _check_botocore_parses(path: Path, shown: Path | None = None) -> None:
    """Refuse to edit (or to write) what botocore cannot read: the CLI would break on it.

    ``shown`` is the name to put in the message when ``path`` is a temp file.
    """
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import ConfigParseError

    try:
        raw_config_parse(str(path))
    except ConfigParseError as exc:
        raise _unparsable(shown or path, _parse_detail(exc)) from None


def replace_config(data: bytes, path: Path | None = None) -> Path:
    """Write ``data`` as the config, through a symlink to the file it points at.

    Atomic and locked like every edit; the file keeps its mode. Used to restore a backup
    byte for byte without turning a dotfile link into a plain file. Returns the real path.
    """
    real = Path(os.path.realpath(path or config_path()))
    with _locked_file(real):
        try:
            exists = check_regular(real)
            mode = os.stat(real).st_mode if exists else 0o600
        except NotRegularFileError as exc:
            raise _not_regular(real, exc) from None
        try:
            atomic_write(real, data, mode)
        except OSError as exc:
            raise _write_error(real, exc) from None
    return real


def _edit(change: Callable[[Any], None]) -> tuple[Path, Path | None, bool, bool]:
    """Apply ``change`` to the config under the lock; returns (path, backup, created, changed)."""
    from configupdater import ConfigUpdater

    shown = config_path()
    # Edit the file a symlink points at (dotfile managers): replacing the link itself would
    # detach it from the managed file.
    path = Path(os.path.realpath(shown))
    # Refuse a device or FIFO before taking a lock next to it or opening it.
    try:
        check_regular(path)
    except NotRegularFileError as exc:
        raise _not_regular(path, exc) from None
    except OSError:
        pass  # reported precisely below, once the folder is known to be usable
    with _locked_file(path):
        _prune_backups(path)  # a writer killed between backup and prune left one too many
        original, mode, created = _read_for_edit(path)
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _unparsable(
                path, f"not UTF-8 text: byte {exc.start + 1} is not valid UTF-8"
            ) from None
        if text.startswith("\ufeff"):
            raise _unparsable(path, "it starts with a byte-order mark; save it without one")
        if not created:
            _check_botocore_parses(path)
        # A file with Windows line endings keeps them: edit with "\n", write back "\r\n".
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        if crlf:
            text = text.replace("\r\n", "\n")
        base = text if not text or text.endswith("\n") else text + "\n"
        updater = ConfigUpdater(strict=False)
        try:
            updater.read_string(base)
        except Exception as exc:  # configparser raises several unrelated error types
            raise _unparsable(path, _parse_detail(exc)) from None
        change(updater)
        new = str(updater)
        if new == base:  # nothing changed (a missing final newline alone is left alone)
            return shown, None, False, False
        if crlf:
            new = new.replace("\n", "\r\n")

        def parses(temp: Path) -> None:  # what is about to replace the file, as botocore reads it
            _check_botocore_parses(temp, shown=path)

        try:
            backup = None if created else _backup(path, original, mode)
            atomic_write(path, new.encode("utf-8"), mode, check=parses)
        except OSError as exc:
            raise _write_error(path, exc) from None
    events.publish("config")
    return shown, backup, created, True


def _section_text(profile: str, sso_session: str) -> str:
    from configupdater import ConfigUpdater

    updater = ConfigUpdater(strict=False)
    updater.read(str(config_path()))
    parts = []
    for kind, name in (("profile", profile), ("sso-session", sso_session)):
        for section in _find_sections(updater, kind, name)[-1:]:
            parts.append(str(section).rstrip("\n") + "\n")
    return "".join(parts)


def configure_profile(
    profile: str,
    *,
    sso_session: str,
    start_url: str,
    sso_region: str,
    account_id: str | int | None = None,
    role_name: str | None = None,
    region: str | None = None,
    output: str | None = "json",
    scopes: str | list[str] | None = "sso:account:access",
    endpoint_url: str | None = None,
) -> ConfigChange:
    """Write ``[profile P]`` and ``[sso-session S]`` as ``aws configure sso`` would.

    Everything is validated first; on any error nothing is written. Legacy ``sso_start_url``
    / ``sso_region`` keys in the profile are removed (they would conflict with the session).
    """
    profile = validate_name(profile, kind="profile")
    sso_session = validate_name(sso_session, kind="sso-session")
    start_url = validate_start_url(start_url)
    sso_region = validate_sso_region(sso_region)
    account = validate_account_id(account_id) if account_id not in (None, "") else None
    role = validate_role_name(role_name) if role_name not in (None, "") else None
    region = validate_region(region) if region else None
    output = validate_output(output) if output else None
    scope_text = ", ".join(validate_scopes(scopes)) if scopes is not None else None
    endpoint = validate_endpoint_url(endpoint_url) if endpoint_url else None

    profile_values: dict[str, str | None] = {
        "sso_session": sso_session,
        "sso_account_id": account,
        "sso_role_name": role,
        "region": region,
        "output": output,
    }
    if endpoint is not None:
        profile_values["endpoint_url"] = endpoint
    session_values: dict[str, str | None] = {
        "sso_start_url": start_url,
        "sso_region": sso_region,
        "sso_registration_scopes": scope_text,
    }

    def change(updater: Any) -> None:
        _set_keys(updater, "profile", profile, profile_values, delete=LEGACY_KEYS)
        _set_keys(updater, "sso-session", sso_session, session_values)

    path, backup, created, _ = _edit(change)
    return ConfigChange(
        path=path,
        backup=backup,
        profile=profile,
        sso_session=sso_session,
        section_text=_section_text(profile, sso_session),
        created=created,
    )


def set_endpoint_url(profile: str, endpoint_url: str) -> Path | None:
    """Point an existing profile's ``endpoint_url`` elsewhere; returns the backup, if one was made.

    For a sandbox that came back on another port: only that one key changes, the rest of the
    file (comments included) stays byte for byte.
    """
    endpoint = validate_endpoint_url(endpoint_url)
    _, backup, _, _ = _edit(
        lambda updater: _set_keys(updater, "profile", profile, {"endpoint_url": endpoint})
    )
    return backup


def _remove(kind: str, name: str) -> bool:
    removed: list[bool] = []

    def change(updater: Any) -> None:
        for section in _find_sections(updater, kind, name):
            section.detach()
            removed.append(True)

    _edit(change)
    return bool(removed)


def remove_profile(profile: str) -> bool:
    """Remove ``[profile P]`` (every copy); True if something was removed."""
    return _remove("profile", validate_name(profile, kind="profile"))


def remove_sso_session(name: str) -> bool:
    """Remove ``[sso-session NAME]``; True if something was removed."""
    return _remove("sso-session", validate_name(name, kind="sso-session"))


def migrate_legacy_profile(profile: str, sso_session: str) -> ConfigChange:
    """Move a legacy profile's start URL and region into ``[sso-session S]``."""
    values = load_config()["profiles"].get(profile)
    if values is None:
        raise ProfileNotFoundError(
            f'The profile "{profile}" is not in {config_path()}.',
            hint="Run sso-kit status to see which profiles exist.",
        )
    session = load_config()["sso_sessions"].get(sso_session, {})
    start_url = values.get("sso_start_url") or session.get("sso_start_url")
    sso_region = values.get("sso_region") or session.get("sso_region")
    if not start_url or not sso_region:
        raise ConfigError(
            f'The profile "{profile}" has no sso_start_url / sso_region to migrate.',
            hint="Configure it afresh with sso-kit configure.",
        )
    return configure_profile(
        profile,
        sso_session=sso_session,
        start_url=start_url,
        sso_region=sso_region,
        account_id=values.get("sso_account_id"),
        role_name=values.get("sso_role_name"),
        region=values.get("region"),
        output=values.get("output"),
        scopes=session.get("sso_registration_scopes", "sso:account:access"),
        endpoint_url=values.get("endpoint_url"),
    )
