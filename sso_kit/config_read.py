"""Read the AWS config file the way the AWS CLI does (public names: :mod:`sso_kit.config`).

Reading goes through botocore's own loader, so sso_kit sees exactly what boto3 and the CLI see.
A parse is kept while the file's inode stamp (inode, size, modification and change times) is
the same and old enough to trust: a login and a bucket listing read the config three times.
"""

from __future__ import annotations

import copy
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sso_kit.errors import ConfigError, ProfileNotFoundError
from sso_kit.files import RACY_NS, NotRegularFileError, file_kind

LEGACY_KEYS = ("sso_start_url", "sso_region")
_RACY_NS = RACY_NS  # a parse is not kept for a file changed more recently than this
_parsed: tuple[tuple[Any, ...], dict[str, Any]] | None = None


def config_path() -> Path:
    """``AWS_CONFIG_FILE`` or ``~/.aws/config``."""
    return Path(os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"))


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


def _unreadable(path: Path, exc: OSError, error: type[ConfigError]) -> ConfigError:
    """The config file exists but cannot be read (permissions, I/O)."""
    return error(
        f"The AWS config file {path} cannot be read ({exc.strerror}).",
        hint="Check that it belongs to you and is readable.",
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
        st = os.stat(path)
    except FileNotFoundError:
        return {"profiles": {}, "sso_sessions": {}, "services": {}}
    except OSError as exc:
        raise _unreadable(path, exc, ConfigError) from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(path, NotRegularFileError(path, file_kind(st.st_mode)))
    stamp = _stamp(path, st)
    memo = _parsed
    if stamp is not None and memo is not None and memo[0] == stamp:
        return _copy(memo[1])  # callers may change what they get
    try:
        loaded = botocore_load(str(path))
    except ConfigNotFound:  # removed between the check and the read
        return {"profiles": {}, "sso_sessions": {}, "services": {}}
    except ConfigParseError as exc:
        raise _unparsable(path, _parse_detail(exc)) from None
    except OSError as exc:
        raise _unreadable(path, exc, ConfigError) from None
    loaded.setdefault("profiles", {})
    loaded.setdefault("sso_sessions", {})
    loaded.setdefault("services", {})
    if stamp is not None:
        _remember(stamp, _copy(loaded))
    return loaded


def _copy(value: Any) -> Any:
    """A deep copy of a parse (dicts of dicts and text): ``copy.deepcopy`` without its memo.

    botocore's loader gives only dicts, lists and strings, and the kept parse is copied on
    every call: a login, its role credentials and a bucket listing ask three times.
    """
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value if isinstance(value, str) else copy.deepcopy(value)


def _stamp(path: Path, st: os.stat_result) -> tuple[Any, ...] | None:
    """What any change to the file changes; None while it is too fresh to trust."""
    if time.time_ns() - st.st_ctime_ns < _RACY_NS:
        return None
    return (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _remember(stamp: tuple[Any, ...], loaded: dict[str, Any]) -> None:
    global _parsed
    _parsed = (stamp, loaded)


def read_sso_session(name: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The keys of ``[sso-session NAME]``; ProfileNotFoundError if it is missing."""
    return _section(config if config is not None else load_config(), "sso-session", name)


def read_profile(profile: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The profile's keys with its sso-session's keys merged in (session wins for sso_*)."""
    config = config if config is not None else load_config()
    merged = _section(config, "profile", profile)
    if "sso_session" in merged:
        merged.update(read_sso_session(merged["sso_session"], config))
    return merged


_TABLES = {"profile": "profiles", "sso-session": "sso_sessions"}


def _section(config: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    """A copy of one ``profile`` or ``sso-session`` section; a missing one says how to add it."""
    values = config[_TABLES[kind]].get(name)
    if values is None:
        raise ProfileNotFoundError(
            f'The {kind} "{name}" is not in {config_path()}.',
            hint=f"Create it with: sso-kit configure --{kind} {name} ...",
        )
    return dict(values)


def profiles_using_session(name: str, config: dict[str, Any] | None = None) -> list[str]:
    """Profiles whose ``sso_session`` is ``name``, in file order."""
    config = config if config is not None else load_config()
    return [p for p, v in config["profiles"].items() if v.get("sso_session") == name]


def find_legacy_profiles() -> list[LegacyProfile]:
    """Profiles that keep sso_start_url / sso_region themselves (legacy or mixed keys)."""
    found = []
    for name, values in load_config()["profiles"].items():
        if any(k in values for k in LEGACY_KEYS):
            found.append(
                LegacyProfile(
                    profile=name,
                    start_url=values.get("sso_start_url"),
                    sso_region=values.get("sso_region"),
                    mixed="sso_session" in values,
                )
            )
    return found
