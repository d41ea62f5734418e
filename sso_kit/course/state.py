"""The tutorial's state in the kit's home folder, ``~/.sso-kit/tutorial-state.json``.

State moves between notebooks only through files a learner would have: the AWS config, the SSO
caches, the sandbox's state file and this file. It remembers where the pre-tutorial copy of
``~/.aws/config`` is (so step 09 can put it back byte for byte) and the result of each step's
"Check my work". The workshop and the CLI build on the small API below:

- :func:`load_state` / :func:`save_state`: the whole record, a JSON object (atomic writes);
- :func:`record_step_result` / :func:`step_results`: one entry per step, last result wins.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sso_kit.errors import ConfigError
from sso_kit.home import kit_home


def kit_dir() -> Path:
    """``~/.sso-kit``: the kit's own state (never inside ~/.aws)."""
    return kit_home()


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


def save_state(state: dict[str, Any]) -> None:
    """Replace the whole record atomically (a crash leaves the old file, never half a file)."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2), "utf-8")
    os.replace(tmp, path)


def record_step_result(step: str, ok: bool, detail: str) -> dict[str, Any]:
    """Remember the latest "Check my work" result of ``step`` (e.g. ``"05"``); returns it.

    ``detail`` is what the learner saw; it must not carry secrets (checks never put any there).
    """
    entry = {
        "ok": bool(ok),
        "detail": detail,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    state = load_state()
    state.setdefault("checks", {})[step] = entry
    save_state(state)
    return entry


def step_results() -> dict[str, dict[str, Any]]:
    """Step -> its latest recorded check (``ok``, ``detail``, ``at`` in UTC), oldest step first."""
    return dict(sorted(load_state().get("checks", {}).items()))
