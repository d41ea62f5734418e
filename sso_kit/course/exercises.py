""" "Break it on purpose" exercises for notebook 10, run against the offline sandbox.

A :class:`Practice` writes its own profile and sso-session (never the learner's), logs in to
the sandbox, and then breaks the setup one way at a time: for each exercise it applies the
fault, runs :func:`sso_kit.doctor` and checks that doctor names the cause, then applies
the fix and checks that doctor is happy again. :meth:`Practice.restore` puts the config file
back byte for byte, logs the practice session out, and clears the sandbox's fault switches
and the environment variables the exercises set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sso_kit.diagnose import Finding, Report, doctor

__all__ = ["EXERCISES", "Exercise", "Practice"]

PRACTICE = "sso-kit-practice"
ACCOUNT, ROLE = "111122223333", "PowerUserAccess"
# AWS's documented example keys: obviously fake, never valid anywhere.
EXAMPLE_KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}


@dataclass(frozen=True)
class Exercise:
    """One fault: how to cause it, the finding doctor must report, how to undo it."""

    key: str
    title: str
    expected: str
    breaks: Callable[[Practice], None]
    fixes: Callable[[Practice], None]
    fix_text: str


class Practice:
    """A throw-away profile on the sandbox to break and repair; see the module docstring."""

    def __init__(self, sandbox: Any, *, profile: str = PRACTICE, sso_session: str = PRACTICE):
        from sso_kit.config import config_path

        if sandbox is None:
            raise ValueError(
                "The exercises need the offline sandbox (its fault switches break things "
                "safely); run them with use_sandbox=True."
            )
        self.sandbox = sandbox
        self.profile, self.sso_session = profile, sso_session
        self._config = config_path()
        self._original = self._config.read_bytes() if self._config.exists() else None
        self._env = {k: os.environ.get(k) for k in EXAMPLE_KEYS}
        self.last: Report | None = None

    # -- the working setup --------------------------------------------------------------
    def configure(self, **over: Any) -> None:
        """Write the practice profile (``over`` changes single values, e.g. role_name)."""
        from sso_kit.config import configure_profile

        values: dict[str, Any] = {
            "sso_session": self.sso_session,
            "start_url": self.sandbox.start_url,
            "sso_region": self.sandbox.sso_region,
            "account_id": ACCOUNT,
            "role_name": ROLE,
            "region": "us-east-1",
            "endpoint_url": self.sandbox.url,
        }
        values.update(over)
        configure_profile(self.profile, **values)

    def login(self) -> None:
        """Log the practice profile in, approving the code as the sandbox's default user."""
        from sso_kit.errors import SandboxError
        from sso_kit.login import login

        def approve(pending: Any) -> None:
            # an auto-approving sandbox may have approved it already
            with contextlib.suppress(SandboxError):
                self.sandbox.approve(pending.user_code)

        login(self.profile, force=True, on_pending=approve)

    def start(self) -> Report:
        """Configure and log in; doctor must find no problems before anything is broken."""
        self.configure()
        self.login()
        report = doctor(self.profile)
        if not report.ok:
            raise AssertionError(f"The practice setup is not healthy yet:\n{report}")
        return report

    # -- exercises ----------------------------------------------------------------------
    def break_it(self, key: str) -> Finding:
        """Apply one fault and return doctor's finding that names it."""
        exercise = EXERCISES[key]
        exercise.breaks(self)
        self.last = report = doctor(self.profile)
        finding = report.get(exercise.expected)
        if finding is None or finding.status == "ok":
            raise AssertionError(
                f"doctor did not report {exercise.expected} after '{exercise.title}':\n{report}"
            )
        return finding

    def fix(self, key: str) -> str:
        """Apply the fix and check with doctor that the problem is gone."""
        exercise = EXERCISES[key]
        exercise.fixes(self)
        self.last = report = doctor(self.profile)
        if report.get(exercise.expected) is not None or not report.ok:
            raise AssertionError(f"'{exercise.title}' is not fixed yet:\n{report}")
        return f"Fixed with: {exercise.fix_text}\nDoctor now reports no problems."

    def buckets_with_cached_credentials(self) -> int:
        """List buckets with the role credentials cached on disk, ignoring the SSO token.

        Shows that credentials already issued keep working after the session ended.
        """
        from sso_kit.cache import cli_cache_dir, load_json, role_credentials_cache_key
        from sso_kit.clients import new_session

        key = role_credentials_cache_key(ACCOUNT, ROLE, session_name=self.sso_session)
        creds = (load_json(cli_cache_dir() / f"{key}.json") or {}).get("Credentials") or {}
        if not creds:
            raise AssertionError("No cached role credentials; run the break cell first.")
        # a session of its own on the process's parsed models; the keys go to the client
        # itself (that session resolves its own credentials through the provider chain)
        s3 = new_session(region_name="us-east-1").client(
            "s3",
            endpoint_url=self.sandbox.url,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        return len(s3.list_buckets().get("Buckets", []))

    def is_restored(self) -> bool:
        """True when the config file and environment are as they were before the exercises."""
        from sso_kit.cache import token_cache_path

        current = self._config.read_bytes() if self._config.exists() else None
        env_same = all(os.environ.get(k) == v for k, v in self._env.items())
        return (
            current == self._original
            and env_same
            and not token_cache_path(self.sso_session).exists()
        )

    # -- clean-up -----------------------------------------------------------------------
    def restore(self) -> str:
        """Undo everything the exercises changed (idempotent)."""
        from sso_kit.logout import logout

        for name, value in self._env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.sandbox.reset_faults()
        logout(self.sso_session)
        if self._original is None:
            self._config.unlink(missing_ok=True)
            where = f"removed {self._config} (it did not exist before)"
        else:
            tmp = self._config.with_name(self._config.name + ".sso-kit-practice")
            tmp.write_bytes(self._original)
            os.replace(tmp, self._config)
            where = f"restored {self._config} byte for byte"
        return f"Logged the practice session out, cleared the sandbox faults, {where}."


def _expire(p: Practice) -> None:
    p.sandbox.expire_tokens()


def _drop_scopes(p: Practice) -> None:
    from sso_kit.config import remove_sso_session

    remove_sso_session(p.sso_session)
    p.configure(scopes=None)
    p.login()


def _restore_scopes(p: Practice) -> None:
    p.configure()
    p.login()


def _stale_keys(p: Practice) -> None:
    os.environ.update(EXAMPLE_KEYS)


def _unset_keys(p: Practice) -> None:
    for name in EXAMPLE_KEYS:
        os.environ.pop(name, None)


def _outlive(p: Practice) -> None:
    from sso_kit.portal import get_role_credentials

    get_role_credentials(profile=p.profile)  # cached in ~/.aws/cli/cache, like the CLI does
    p.sandbox.revoke_tokens()  # signed out elsewhere


def _logout_and_login(p: Practice) -> None:
    from sso_kit.logout import logout

    logout(p.sso_session)
    p.login()


EXERCISES: dict[str, Exercise] = {
    e.key: e
    for e in (
        Exercise(
            "expired_token",
            "the session expires on the server",
            "credentials.unauthorized",
            _expire,
            lambda p: p.login(),
            "sso-kit login --profile sso-kit-practice",
        ),
        Exercise(
            "wrong_sso_region",
            "sso_region is set to a workload region",
            "config.sso_region_wrong",
            lambda p: p.configure(sso_region="eu-central-1"),
            lambda p: p.configure(),
            "sso_region = us-east-1 in [sso-session sso-kit-practice]",
        ),
        Exercise(
            "drop_scopes",
            "the sso-session has no sso_registration_scopes",
            "config.scopes_missing",
            _drop_scopes,
            _restore_scopes,
            "sso_registration_scopes = sso:account:access, then log in again",
        ),
        Exercise(
            "misspelled_role",
            "the role name has a typo",
            "credentials.no_access",
            lambda p: p.configure(role_name="PowerUserAcess"),
            lambda p: p.configure(),
            "sso_role_name = PowerUserAccess",
        ),
        Exercise(
            "stale_keys",
            "old access keys are exported in the environment",
            "env.static_keys",
            _stale_keys,
            _unset_keys,
            "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY",
        ),
        Exercise(
            "cached_credentials",
            "the session ends but cached role credentials live on",
            "credentials.cached_after_logout",
            _outlive,
            _logout_and_login,
            "sso-kit logout --sso-session sso-kit-practice (removes cached role credentials), "
            "then sso-kit login",
        ),
        Exercise(
            "clock_skew",
            "the clocks disagree by two hours",
            "clock.skew",
            lambda p: p.sandbox.skew_clock(2 * 3600),
            lambda p: p.sandbox.skew_clock(0),
            "synchronise the clock (here: the sandbox's clock is set back)",
        ),
    )
}
