"""Who is in the room: the workshop's organisation (one AWS account per learner) and its files.

Isolation by account, not by bucket-name prefix: ``ListBuckets`` cannot be limited by IAM
to some buckets, so in a shared account every learner would see everyone's bucket names. With
an account each (as AWS's own workshops hand out), a learner's role credentials live in their
account: their listing shows only their buckets, and moto's IAM refuses their calls on another
account's buckets. Each learner keeps the tutorial's permission sets (PowerUserAccess,
S3ReadOnly), so every notebook works unchanged; the first account offered is their own.

Files (in the data dir, owner-only): the sandbox's own ``sandbox-state.json`` (directory,
passwords, sessions, buckets) and ``workshop.json`` (the instructor's secret and the roster).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError

__all__ = [
    "WORKSHOP_FILE",
    "Roster",
    "default_data_dir",
    "learner_account",
    "learner_names",
    "workshop_seed",
]

WORKSHOP_FILE = "workshop.json"
PERMISSION_SETS = ("PowerUserAccess", "S3ReadOnly")
MAX_LEARNERS = 999


def default_data_dir() -> Path:
    """``~/.sso-kit/workshop``: kept across restarts of the workshop sandbox."""
    return Path.home() / ".sso-kit" / "workshop"


def learner_names(learners: int, spares: int = 1) -> tuple[list[str], list[str]]:
    """``learner01…learnerNN`` (three digits past 99) and the spare users for pre-flight."""
    width = 3 if learners > 99 else 2
    return (
        [f"learner{n:0{width}d}" for n in range(1, learners + 1)],
        [f"spare{n:02d}" for n in range(1, spares + 1)],
    )


def learner_account(index: int, spare: bool = False) -> str:
    """Account id of learner ``index`` (1-based): 2000000000NN; spares 3000000000NN."""
    return f"{3 if spare else 2}{index:011d}"


def workshop_seed(
    learners: int, spares: int = 1, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The sandbox seed: the base organisation plus an account and a user per learner."""
    if not 1 <= learners <= MAX_LEARNERS:
        raise SandboxError(
            f"A workshop needs between 1 and {MAX_LEARNERS} learners, not {learners}.",
            hint="Pass --learners N, e.g. --learners 30.",
        )
    if base is None:
        from sso_kit.sandbox.seed import default_seed

        base = default_seed()
    seed = json.loads(json.dumps(base))  # a deep copy
    missing = [p for p in PERMISSION_SETS if p not in seed.get("permission_sets", {})]
    if missing:
        raise SandboxError(
            f"The seed has no permission set {', '.join(missing)}, which the tutorial uses.",
            hint="Add it to the seed file, or start without --seed.",
        )
    names, spare_names = learner_names(learners, spares)
    accounts = list(seed["accounts"])
    users = []
    for spare, group in ((False, names), (True, spare_names)):
        for index, name in enumerate(group, 1):
            account = learner_account(index, spare)
            accounts.append(
                {"id": account, "name": f"Workshop {name}", "email": f"{name}@example.com"}
            )
            users.append(
                {
                    "name": name,
                    "display_name": f"Workshop {name}",
                    "email": f"{name}@example.com",
                    "assignments": [
                        {"account": account, "permission_set": ps} for ps in PERMISSION_SETS
                    ],
                }
            )
    seed["accounts"] = accounts
    seed["users"] = users
    seed["learner_assignments"] = []
    return seed


@dataclass
class Roster:
    """``workshop.json``: the instructor's secret, the learners, their accounts."""

    secret: str
    learners: list[str]
    spares: list[str]
    accounts: dict[str, str]
    url: str = ""
    public_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, learners: int, spares: int = 1) -> Roster:
        names, spare_names = learner_names(learners, spares)
        accounts = {n: learner_account(i) for i, n in enumerate(names, 1)}
        accounts.update({n: learner_account(i, True) for i, n in enumerate(spare_names, 1)})
        return cls(secrets.token_urlsafe(24), names, spare_names, accounts)

    @classmethod
    def load(cls, data_dir: Path) -> Roster | None:
        path = data_dir / WORKSHOP_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            raise SandboxError(
                f"The workshop file {path} is unreadable ({type(err).__name__}).",
                hint="Start a new workshop with another --data-dir.",
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("learners"), list):
            raise SandboxError(
                f"The workshop file {path} is not one sso-kit wrote.",
                hint="Start a new workshop with another --data-dir.",
            )
        return cls(
            str(data["secret"]),
            list(data["learners"]),
            list(data.get("spares", [])),
            dict(data.get("accounts", {})),
            str(data.get("url", "")),
            str(data.get("public_url", "")),
            dict(data.get("extra", {})),
        )

    def save(self, data_dir: Path) -> Path:
        from sso_kit.sandbox.persistence import write_json_private

        data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(data_dir, 0o700)
        path = data_dir / WORKSHOP_FILE
        write_json_private(path, self.__dict__)
        return path

    def everyone(self) -> list[str]:
        return [*self.learners, *self.spares]


def saved_passwords(data_dir: Path) -> dict[str, str]:
    """The sign-in passwords the sandbox keeps in its data dir (for the handout only)."""
    from sso_kit.sandbox.persistence import STATE_NAME

    try:
        data = json.loads((data_dir / STATE_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(data.get("directory", {}).get("passwords", {}))
