"""Helpers the step notebooks share, so each notebook stays prose + parameters + a few calls.

State moves between notebooks only through files a learner would have: the AWS config, the SSO
caches, the sandbox's state file and ``~/.sso-kit/tutorial-state.json`` (which remembers where
the pre-tutorial copy of ``~/.aws/config`` is, so step 09 can put it back byte for byte).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sso_kit.errors import ConfigError, SsoKitError
from sso_kit.ui import is_interactive

DEFAULT_PROFILE = "sso-kit-tutorial"
DEFAULT_SESSION = "sso-kit"


def kit_dir() -> Path:
    """``~/.sso-kit``: the kit's own state (never inside ~/.aws)."""
    return Path(os.path.expanduser("~")) / ".sso-kit"


def state_path() -> Path:
    """Where the tutorial remembers the pre-tutorial config backup."""
    return kit_dir() / "tutorial-state.json"


def load_state() -> dict[str, Any]:
    """The tutorial state (empty before step 05 wrote anything)."""
    try:
        return json.loads(state_path().read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"The tutorial state file {state_path()} is unreadable ({type(exc).__name__}).",
            hint="Delete it only if you do not need step 09 to restore your original config.",
        ) from None


def _save_state(state: dict[str, Any]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2), "utf-8")
    os.replace(tmp, path)


@dataclass
class Setup:
    """Everything a step needs, resolved from the notebook's parameters (and the sandbox)."""

    use_sandbox: bool
    interactive: bool
    start_url: str
    sso_region: str
    sso_session: str
    profile: str
    account_id: str | None
    role_name: str | None
    endpoint_url: str | None
    sandbox: Any = None

    def describe(self) -> str:
        """A short, secret-free summary for the top of a notebook."""
        where = f"the offline sandbox at {self.endpoint_url}" if self.use_sandbox else "real AWS"
        return (
            f"Target: {where}\nStart URL: {self.start_url or '(not set)'}\n"
            f"SSO region: {self.sso_region or '(not set)'}\n"
            f"sso-session: {self.sso_session}   profile: {self.profile}\n"
            f"Mode: {'interactive (click the widgets)' if self.interactive else 'headless'}"
        )


def setup(
    *,
    use_sandbox: bool = True,
    start_url: str = "",
    sso_region: str = "",
    sso_session: str = DEFAULT_SESSION,
    profile: str = DEFAULT_PROFILE,
    account_id: str | int | None = "",
    role_name: str | None = "",
    interactive: bool | None = None,
) -> Setup:
    """Resolve the parameters; with the sandbox, find or start it (``Sandbox.ensure_running``)."""
    live = is_interactive(interactive)
    sandbox = None
    endpoint = None
    if use_sandbox:
        from sso_kit.sandbox import Sandbox

        # Headless runs cannot click "Allow", so a sandbox started here approves by itself.
        sandbox = Sandbox.ensure_running(auto_approve=not live)
        endpoint = sandbox.url
        start_url = start_url or sandbox.start_url
        sso_region = sso_region or sandbox.sso_region
    elif not start_url or not sso_region:
        raise ConfigError(
            "use_sandbox is False but start_url or sso_region is empty.",
            hint="Set both parameters to the values from your AWS access portal (step 02).",
        )
    return Setup(
        use_sandbox=bool(use_sandbox),
        interactive=live,
        start_url=start_url,
        sso_region=sso_region,
        sso_session=sso_session,
        profile=profile,
        account_id=str(account_id) if account_id else None,
        role_name=role_name or None,
        endpoint_url=endpoint,
        sandbox=sandbox,
    )


def remember_original_config() -> dict[str, Any]:
    """Before the tutorial's first write: keep a byte-exact copy of ``~/.aws/config``.

    Only the first call records anything, so re-running step 05 never replaces the copy of
    the learner's original file with one that already contains the tutorial's profile.
    """
    from sso_kit.config import config_path

    state = load_state()
    if "original_config" in state:
        return state["original_config"]
    path = config_path()
    record: dict[str, Any] = {"path": str(path), "existed": path.exists(), "backup": None}
    if path.exists():
        backups = kit_dir() / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        backup = backups / f"config.before-tutorial.{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.copy2(path, backup)
        record["backup"] = str(backup)
    state["original_config"] = record
    _save_state(state)
    return record


def restore_original_config() -> str:
    """Put ``~/.aws/config`` back exactly as it was before step 05; returns what happened.

    The current file is copied aside first, so nothing the learner wrote since is lost.
    """
    state = load_state()
    record = state.get("original_config")
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
        tmp = path.with_name(path.name + ".sso-kit-restore")
        shutil.copy2(backup, tmp)
        os.replace(tmp, path)
        message = f"Restored {path} byte for byte from {backup}."
    else:
        path.unlink(missing_ok=True)
        message = f"Removed {path}: it did not exist before the tutorial."
    del state["original_config"]
    _save_state(state)
    return message


def self_check(ok: bool, passed: str, todo: str, *, interactive: bool) -> bool:
    """End-of-notebook check: headless raises AssertionError; interactive prints guidance."""
    if ok:
        print(f"✓ {passed}")
        return True
    if not interactive:
        raise AssertionError(todo)
    print(f"… Not done yet: {todo}\nRun this cell again when you have done it.")
    return False


def profile_ready(profile: str) -> tuple[bool, str]:
    """Whether botocore can parse the profile as an SSO profile (and why not)."""
    from sso_kit.config import read_profile

    try:
        values = read_profile(profile)
    except SsoKitError as exc:
        return False, str(exc)
    missing = [k for k in ("sso_session", "sso_start_url", "sso_region") if not values.get(k)]
    if missing:
        return False, f"Profile {profile} lacks {', '.join(missing)}; save it in step 05."
    return True, f"Profile {profile} uses sso-session {values['sso_session']}."
