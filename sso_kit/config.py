"""Read and edit the AWS config file the way the AWS CLI does.

Reading goes through botocore's own loader, so sso_kit sees exactly what boto3 and the CLI see.
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

__all__ = [
    "BACKUP_PREFIX",
    "KEEP_BACKUPS",
    "ConfigChange",
    "LegacyProfile",
    "SessionConfig",
    "config_path",
    "configure_profile",
    "default_profile",
    "find_legacy_profiles",
    "load_config",
    "migrate_legacy_profile",
    "profiles_using_session",
    "read_profile",
    "read_sso_session",
    "remove_profile",
    "remove_sso_session",
    "replace_config",
    "session_config",
    "sso_client",
]

KEEP_BACKUPS = 5
BACKUP_PREFIX = ".sso-kit-backup-"
_LEGACY_KEYS = ("sso_start_url", "sso_region")


def config_path() -> Path:
    """``AWS_CONFIG_FILE`` or ``~/.aws/config``."""
    return Path(os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"))


@dataclass(frozen=True)
class ConfigChange:
    """What :func:`configure_profile` wrote (``section_text`` is for display; no secrets)."""

    path: Path
    backup: Path | None
    profile: str
    sso_session: str
    section_text: str
    created: bool


@dataclass(frozen=True)
class LegacyProfile:
    """A profile that keeps SSO keys itself instead of (or as well as) in an sso-session."""

    profile: str
    start_url: str | None
    sso_region: str | None
    mixed: bool  # also has sso_session: botocore errors if the values disagree


# --------------------------------------------------------------------------- reading

_UNPARSABLE_HINT = "Fix the line it names (or restore a backup next to it) and try again."


def _not_regular(path: Path, exc: NotRegularFileError) -> ConfigError:
    return ConfigError(
        f"The AWS config file {path} is {exc.kind}, not a regular file; sso-kit will not "
        "read or replace it.",
        hint="Point AWS_CONFIG_FILE at a regular file (or unset it to use ~/.aws/config).",
    )


def _unparsable(path: Path, detail: str) -> ConfigError:
    return ConfigError(
        f"The AWS config file {path} cannot be parsed ({detail}).", hint=_UNPARSABLE_HINT
    )


def _parse_detail(exc: BaseException) -> str:
    """Where botocore/configparser stopped, without quoting the file (it may hold keys)."""
    cause = exc.__cause__ or exc.__context__ or exc
    if isinstance(cause, UnicodeDecodeError):
        return f"not UTF-8 text: byte {cause.start + 1} is not valid UTF-8"
    name = type(cause).__name__
    line = getattr(cause, "lineno", None)
    if line is None:
        errors = getattr(cause, "errors", None)
        line = errors[0][0] if errors else None
    return f"{name} near line {line}" if line else name


def load_config() -> dict[str, Any]:
    """The whole config as botocore parses it (profiles, sso_sessions, services)."""
    from botocore.configloader import load_config as botocore_load
    from botocore.exceptions import ConfigNotFound, ConfigParseError

    path = config_path()
    try:
        exists = check_regular(path)
    except NotRegularFileError as exc:
        raise _not_regular(path, exc) from None
    except OSError as exc:
        raise ConfigError(
            f"The AWS config file {path} cannot be read ({exc.strerror}).",
            hint="Check that it belongs to you and is readable.",
        ) from None
    if not exists:
        return {"profiles": {}, "sso_sessions": {}, "services": {}}
    try:
        loaded = botocore_load(str(path))
    except ConfigNotFound:  # removed between the check and the read
        return {"profiles": {}, "sso_sessions": {}, "services": {}}
    except ConfigParseError as exc:
        raise _unparsable(path, _parse_detail(exc)) from None
    except OSError as exc:
        raise ConfigError(
            f"The AWS config file {path} cannot be read ({exc.strerror}).",
            hint="Check that it belongs to you and is readable.",
        ) from None
    loaded.setdefault("profiles", {})
    loaded.setdefault("sso_sessions", {})
    loaded.setdefault("services", {})
    return loaded


def read_sso_session(name: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keys of ``[sso-session NAME]``; ProfileNotFoundError if it is missing."""
    config = config if config is not None else load_config()
    session = config["sso_sessions"].get(name)
    if session is None:
        raise ProfileNotFoundError(
            f'The sso-session "{name}" is not in {config_path()}.',
            hint=f"Create it with: sso-kit configure --sso-session {name} ...",
        )
    return dict(session)


def read_profile(profile: str) -> dict[str, Any]:
    """The profile's keys with its sso-session's keys merged in (session wins for sso_*)."""
    config = load_config()
    values = config["profiles"].get(profile)
    if values is None:
        raise ProfileNotFoundError(
            f'The profile "{profile}" is not in {config_path()}.',
            hint=f"Create it with: sso-kit configure --profile {profile} ...",
        )
    merged = dict(values)
    if "sso_session" in merged:
        merged.update(read_sso_session(merged["sso_session"], config))
    return merged


def profiles_using_session(name: str, config: dict[str, Any] | None = None) -> list[str]:
    """Profiles whose ``sso_session`` is ``name``, in file order."""
    config = config if config is not None else load_config()
    return [p for p, v in config["profiles"].items() if v.get("sso_session") == name]


def find_legacy_profiles() -> list[LegacyProfile]:
    """Profiles that keep sso_start_url / sso_region themselves (legacy or mixed keys)."""
    found = []
    for name, values in load_config()["profiles"].items():
        if any(k in values for k in _LEGACY_KEYS):
            found.append(
                LegacyProfile(
                    profile=name,
                    start_url=values.get("sso_start_url"),
                    sso_region=values.get("sso_region"),
                    mixed="sso_session" in values,
                )
            )
    return found


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
        raise ConfigWriteError(
            f"The AWS config file {path} cannot be read ({exc.strerror}).",
            hint="Check that it belongs to you and is readable.",
        ) from None


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
        _set_keys(updater, "profile", profile, profile_values, delete=_LEGACY_KEYS)
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


# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class SessionConfig:
    """Everything needed to log in to one sso-session (or a legacy profile)."""

    sso_session: str | None  # None: a legacy profile, token keyed by start URL
    start_url: str
    sso_region: str
    scopes: list[str] | None  # as configured (None when the key is absent)
    client_profile: str | None  # profile whose endpoint settings the clients use

    @property
    def cache_name(self) -> str:
        """What the token file name is the sha1 of."""
        return self.sso_session or self.start_url

    @property
    def label(self) -> str:
        return f'sso-session "{self.sso_session}"' if self.sso_session else self.start_url

    @property
    def login_hint(self) -> str:
        if self.sso_session:
            return f"sso-kit login --sso-session {self.sso_session}"
        return f"sso-kit login --profile {self.client_profile}"


def default_profile() -> str:
    """The profile the AWS tools would pick: AWS_PROFILE, AWS_DEFAULT_PROFILE, default."""
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def session_config(profile: str | None = None, sso_session: str | None = None) -> SessionConfig:
    """Resolve the sso-session for a profile or a session name, like ``aws sso login``."""
    config = load_config()
    client_profile: str | None = None
    if sso_session is None:
        profile = profile or default_profile()
        values = config["profiles"].get(profile)
        if values is None:
            raise ProfileNotFoundError(
                f'The profile "{profile}" is not in {config_path()}.',
                hint=f"Create it with: sso-kit configure --profile {profile} ...",
            )
        client_profile = profile
        sso_session = values.get("sso_session")
        if sso_session is None:  # legacy profile: keys live in the profile itself
            missing = [k for k in _LEGACY_KEYS if not values.get(k)]
            if missing:
                raise ConfigError(
                    f'The profile "{profile}" is missing {", ".join(missing)} for SSO.',
                    hint=f"Run: sso-kit configure --profile {profile} --sso-session NAME ...",
                )
            return SessionConfig(
                None, values["sso_start_url"], values["sso_region"], None, client_profile
            )
    else:
        users = profiles_using_session(sso_session, config)
        if profile is None and users:
            client_profile = users[0]
        elif profile is not None:
            client_profile = profile
    values = read_sso_session(sso_session, config)
    missing = [k for k in _LEGACY_KEYS if not values.get(k)]
    if missing:
        raise ConfigError(
            f'The sso-session "{sso_session}" is missing {", ".join(missing)}.',
            hint=f"Run: sso-kit configure --sso-session {sso_session} --start-url URL "
            "--sso-region REGION ...",
        )
    raw = values.get("sso_registration_scopes")
    scopes = None if raw is None else [s.strip() for s in raw.split(",") if s.strip()]
    return SessionConfig(
        sso_session, values["sso_start_url"], values["sso_region"], scopes, client_profile
    )


def sso_client(service: str, cfg: SessionConfig, *, max_attempts: int = 3) -> Any:
    """An unsigned ``sso``/``sso-oidc`` client that honours the profile's endpoint settings."""
    from sso_kit.clients import cached_client

    return cached_client(
        service,
        profile=cfg.client_profile,
        region=cfg.sso_region,
        unsigned=True,
        max_attempts=max_attempts,
    )
