"""What ``doctor`` returns: findings in stage order, a report, its exit code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sso_kit.errors import (
    BucketError,
    CacheError,
    ConfigError,
    EnvironmentProblemError,
    PortalError,
)

Status = Literal["ok", "warning", "problem"]
STAGES = ("environment", "config", "token", "credentials", "s3")
#: ``sso-kit doctor`` exit code = the code of the earliest stage with a problem (0 if none),
#: taken from the error class a problem in that stage stands for.
EXIT_CODES = {
    "environment": EnvironmentProblemError.exit_code,
    "config": ConfigError.exit_code,
    "token": CacheError.exit_code,
    "credentials": PortalError.exit_code,
    "s3": BucketError.exit_code,
}
STAGE_TITLES = {
    "environment": "environment",
    "config": "config",
    "token": "token cache",
    "credentials": "role credentials",
    "s3": "S3",
}


@dataclass(frozen=True)
class Finding:
    """One check's result. ``found`` is what doctor saw; ``cause``/``fix`` say why and what next."""

    id: str
    stage: str
    status: Status
    found: str
    cause: str = ""
    fix: str = ""

    def __str__(self) -> str:
        lines = [f"{_MARKS[self.status]} {self.found}  ({self.id})"]
        if self.status != "ok":
            lines += [f"     cause: {self.cause}"] if self.cause else []
            lines += [f"     fix:   {self.fix}"] if self.fix else []
        return "\n".join(lines)


_MARKS = {"ok": "OK  ", "warning": "WARN", "problem": "FAIL"}


@dataclass
class Report:
    """All findings for one profile, in stage order."""

    profile: str
    profile_source: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "problem"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing is a problem (warnings are allowed)."""
        return not self.problems

    @property
    def ids(self) -> list[str]:
        """Ids of every finding that is not ok, in stage order."""
        return [f.id for f in self.findings if f.status != "ok"]

    @property
    def exit_code(self) -> int:
        stages = {f.stage for f in self.problems}
        return next((EXIT_CODES[s] for s in STAGES if s in stages), 0)

    def get(self, finding_id: str) -> Finding | None:
        """The first finding with this id, or None."""
        return next((f for f in self.findings if f.id == finding_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_source": self.profile_source,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "findings": [asdict(f) for f in self.findings],
        }

    def __str__(self) -> str:
        lines = [f"sso-kit doctor: profile '{self.profile}' ({self.profile_source})"]
        for stage in STAGES:
            found = [f for f in self.findings if f.stage == stage]
            if found:
                lines.append(f"\n[{stage}]")
                lines += ["  " + str(f).replace("\n", "\n  ") for f in found]
        verdict = "no problems found" if self.ok else f"{len(self.problems)} problem(s) found"
        lines.append(f"\n{verdict}; {len(self.warnings)} warning(s).")
        return "\n".join(lines)
