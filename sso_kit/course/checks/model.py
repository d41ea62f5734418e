"""What a check is about and what it returns: the learner's target, the result, the findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["STEPS", "CheckResult", "Context", "Findings", "Target", "as_dict"]

Context = Literal["notebook", "terminal"]
STEPS = ("05", "06", "07", "08", "09")


@dataclass(frozen=True)
class Target:
    """What the learner was asked to build: names, and the values the portal gave them."""

    profile: str = "sso-kit-tutorial"
    sso_session: str = "sso-kit"
    start_url: str | None = None
    sso_region: str | None = None
    #: The sandbox URL a profile must reach (None on real AWS).
    endpoint_url: str | None = None
    #: The "Default client Region" to suggest when the profile has none.
    region: str | None = None

    @classmethod
    def from_setup(cls, kit: Any) -> Target:
        """From a notebook's ``setup(...)`` result."""
        return cls(
            profile=kit.profile,
            sso_session=kit.sso_session,
            start_url=kit.start_url or None,
            sso_region=kit.sso_region or None,
            endpoint_url=kit.endpoint_url,
            region=kit.sso_region or None,
        )

    @property
    def use_sandbox(self) -> bool:
        return self.endpoint_url is not None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one step's check; ``hint`` and ``solution`` suit ``context``."""

    step: str
    ok: bool
    context: str
    passed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    hint: str = ""
    solution: str = ""
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Plain text: ✓ lines, then what is missing and the hint (no solution: it is asked for)."""
        lines = [f"✓ {p}" for p in self.passed]
        lines += [f"✗ {m}" for m in self.missing]
        if self.ok:
            lines.append(f"Step {self.step} is done.")
        else:
            lines.append(f"Hint: {self.hint}")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def as_dict(result: CheckResult) -> dict[str, Any]:
    """The result as plain data (for JSON output)."""
    return asdict(result)


@dataclass
class Findings:
    """Collects what a check saw; the first missing piece decides the hint."""

    context: str
    passed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def good(self, text: str) -> None:
        self.passed.append(text)

    def need(self, what: str, *, notebook: str, terminal: str) -> None:
        self.missing.append(what)
        self.hints.append(notebook if self.context == "notebook" else terminal)

    def confirm(self, ok: bool, good: str, *, missing: str, notebook: str, terminal: str) -> bool:
        """``good`` when ``ok``, else ``missing`` with its two hints; returns ``ok``."""
        if ok:
            self.good(good)
        else:
            self.need(missing, notebook=notebook, terminal=terminal)
        return ok

    def result(self, step: str, solution: str) -> CheckResult:
        return CheckResult(
            step=step,
            ok=not self.missing,
            context=self.context,
            passed=self.passed,
            missing=self.missing,
            hint=self.hints[0] if self.hints else "",
            solution=solution,
            notes=self.notes,
        )
