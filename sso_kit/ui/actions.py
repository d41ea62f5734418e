"""A button that runs one tutorial action and shows its result (create buckets, clean up)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, guarded


class ActionPanel(widgets.VBox):
    """Button + status + result text. ``run()`` is the headless path and the click handler."""

    def __init__(
        self,
        description: str,
        action: Callable[[], Any],
        *,
        render: Callable[[Any], str] = str,
        css_class: str | None = None,
        button_style: str = "primary",
    ) -> None:
        self._action, self._render = action, render
        self.result: Any = None
        self.button = widgets.Button(description=description, button_style=button_style)
        self.button.layout.width = "auto"
        if css_class:
            self.button.add_class(css_class)
        self.status = StatusMessage()
        self.output = widgets.HTML()
        self.button.on_click(guarded(self.status, self.run))
        super().__init__([self.button, self.status, self.output])

    def run(self) -> Any:
        """Run the action once and show what it did."""
        self.status.show("Working…")
        self.result = self._action()
        self.output.value = f"<pre>{html.escape(self._render(self.result))}</pre>"
        self.status.show("Done.", "ok")
        return self.result
