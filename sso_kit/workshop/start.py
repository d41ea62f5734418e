"""``sso-kit workshop start``: the shared, persistent sandbox with the dashboard mounted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sso_kit.errors import SandboxError
from sso_kit.workshop.roster import Roster, default_data_dir, workshop_seed

__all__ = ["RunningWorkshop", "start_workshop"]


@dataclass
class RunningWorkshop:
    """A started workshop: the sandbox, the dashboard service and the roster."""

    sandbox: Any
    service: Any
    roster: Roster
    data_dir: Path

    @property
    def dashboard_url(self) -> str:
        return f"{self.sandbox.public_url}/_workshop/"

    def stop(self) -> None:
        self.sandbox.stop()


def start_workshop(
    learners: int | None = None,
    *,
    spares: int = 1,
    seed: str | Path | None = None,
    data_dir: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    public_url: str | None = None,
    prefix: str = "",
    stuck_minutes: float = 10.0,
    progress: Callable[[int, int], None] | None = None,
) -> RunningWorkshop:
    """Start (or restart from ``data_dir``) the workshop sandbox; returns once it serves.

    A new data dir needs ``learners``; an existing one brings back the same learners,
    passwords, sessions, buckets and secret (``learners`` must then match or be None).
    ``progress(done, total)`` is called as each learner's account is made ready.
    """
    from sso_kit.sandbox import Sandbox
    from sso_kit.sandbox.seed import load_seed
    from sso_kit.workshop.service import Workshop

    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    roster = Roster.load(folder)
    if roster is None:
        if learners is None:
            raise SandboxError(
                f"No workshop in {folder} yet, so the number of learners is needed.",
                hint="Pass --learners N (e.g. --learners 30).",
            )
        base = load_seed(seed) if seed else None
        plan: Any = workshop_seed(learners, spares, base)
        roster = Roster.new(learners, spares)
    else:
        if learners is not None and learners != len(roster.learners):
            raise SandboxError(
                f"The workshop in {folder} has {len(roster.learners)} learners, not {learners}.",
                hint="Leave out --learners to restart it, or use another --data-dir.",
            )
        plan = None  # the sandbox restores its own state from the data dir
    roster.save(folder)  # before the sandbox: it makes the folder owner-only
    sandbox = Sandbox(
        host=host,
        port=port,
        public_url=public_url,
        seed=plan,
        data_dir=folder,
        prefix=prefix,
        admin_secret=roster.secret,  # one secret: the dashboard's and the admin API's
    ).start()
    service = Workshop(sandbox.app, roster, stuck_minutes=stuck_minutes).attach()
    roster.url, roster.public_url = sandbox.url, sandbox.public_url
    roster.save(folder)
    try:
        _warm_accounts(sandbox.app, roster, progress)
    except BaseException:
        sandbox.stop()
        raise
    return RunningWorkshop(sandbox, service, roster, folder)


def _warm_accounts(
    app: Any, roster: Roster, progress: Callable[[int, int], None] | None = None
) -> None:
    """Build each learner account's IAM role and S3 backend now, before anyone signs in.

    moto builds an account's IAM backend (with the AWS managed policies) on its first use,
    under a lock every new account's first call waits on; done here, the room's first burst
    finds every account ready.
    """
    from moto.s3.models import s3_backends

    from sso_kit.workshop.roster import PERMISSION_SETS

    names = [n for n in roster.everyone() if roster.accounts.get(n)]
    for done, name in enumerate(names, 1):
        account = roster.accounts[name]
        for permission_set in PERMISSION_SETS:
            app.directory.role_arn(account, permission_set)
        s3_backends[account]["aws"]  # created on first access
        if progress is not None:
            progress(done, len(names))
