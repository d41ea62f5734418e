"""The "Check my work" widget: ✓, or what is missing plus a hint, and "Show solution".

A thin view: the check itself is a function handed in (the course's step checks), which reads
the real files whichever path made them; the widget only shows the result. It never runs a
check on its own, except when the notebook calls :meth:`CheckWork.check` (headless runs do).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, classed, guarded


def render_result(result: Any) -> str:
    """HTML for a check result (``ok``, ``passed``, ``missing``, ``hint``, ``notes``)."""
    esc = html.escape
    rows = [f'<li style="color:#1a7f37">✓ {esc(p)}</li>' for p in result.passed]
    rows += [f'<li style="color:#cf222e">✗ {esc(m)}</li>' for m in result.missing]
    head = (
        f'<b style="color:#1a7f37">✓ Step {esc(result.step)} is done.</b>'
        if result.ok
        else f'<b style="color:#cf222e">Not done yet: {len(result.missing)} thing(s) missing.</b>'
    )
    hint = "" if result.ok else f"<div><b>Hint:</b> {esc(result.hint)}</div>"
    notes = "".join(f'<div style="color:#555">{esc(n)}</div>' for n in result.notes)
    return f'{head}<ul style="margin:.2em 0">{"".join(rows)}</ul>{hint}{notes}'


class CheckWork(widgets.VBox):
    """A button that runs ``run_check`` and shows its result, with the solution on request."""

    def __init__(
        self,
        run_check: Callable[[], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        title: str = "Check my work",
    ) -> None:
        self._run_check, self._on_result = run_check, on_result
        self.result: Any = None
        self.check_button = classed(
            widgets.Button(description=title, button_style="info"), "sso-check"
        )
        self.outcome = classed(widgets.HTML(), "sso-check-outcome")
        self.solution_button = classed(
            widgets.Button(description="Show solution"), "sso-show-solution"
        )
        self.solution_button.layout.display = "none"
        self.solution = classed(widgets.HTML(), "sso-solution")
        self.solution.layout.display = "none"
        self.status = StatusMessage()
        self.check_button.on_click(guarded(self.status, self.check))
        self.solution_button.on_click(guarded(self.status, self.show_solution))
        super().__init__(
            [
                self.check_button,
                self.outcome,
                self.solution_button,
                self.solution,
                self.status,
            ]
        )

    def check(self) -> Any:
        """Run the check now, show the outcome, and hand it to ``on_result`` (e.g. to record)."""
        self.status.show("")
        result = self._run_check()
        self.result = result
        self.outcome.value = render_result(result)
        self.solution_button.layout.display = None if not result.ok else "none"
        self.solution.layout.display = "none"
        self.solution.value = f"<pre>{html.escape(result.solution)}</pre>"
        if self._on_result is not None:
            self._on_result(result)
        return result

    def show_solution(self) -> str:
        """Reveal the full solution of the last check (run one first if there is none)."""
        if self.result is None:
            self.check()
        self.solution.layout.display = None
        return str(self.result.solution)
