"""A one-line status widget and the error guard every click handler goes through.

ipywidgets swallows exceptions raised in ``on_click`` callbacks (they end up in JupyterLab's log
console, not in the cell), so every handler runs inside :meth:`StatusMessage.guard`, which shows
the error and its next step where the learner is looking.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import ipywidgets as widgets

from sso_kit.errors import SsoKitError, redact

T = TypeVar("T")

_COLOURS = {"info": "#555", "ok": "#1a7f37", "warn": "#9a6700", "error": "#cf222e"}


def describe_error(exc: BaseException) -> str:
    """A learner-facing sentence for any exception, redacted; sso_kit errors carry their hint."""
    if isinstance(exc, SsoKitError):
        return str(exc)
    return redact(f"{type(exc).__name__}: {exc}")


class StatusMessage(widgets.HTML):
    """Shows one message with a colour for its kind; ``kind`` and ``text`` stay readable."""

    def __init__(self, text: str = "", *, css_class: str | None = None) -> None:
        super().__init__()
        self.kind = "info"
        self.text = ""
        if css_class:
            self.add_class(css_class)
        if text:
            self.show(text)

    def show(self, text: str, kind: str = "info") -> None:
        """Display ``text`` (escaped) in the colour of ``kind``."""
        self.kind, self.text = kind, redact(text)
        colour = _COLOURS.get(kind, _COLOURS["info"])
        self.value = f'<span style="color:{colour}">{html.escape(self.text)}</span>'

    def error(self, exc: BaseException | str) -> None:
        """Display an error with its next step."""
        self.show(exc if isinstance(exc, str) else describe_error(exc), "error")

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block; show (not raise) any exception it raises."""
        try:
            yield
        except Exception as exc:  # a handler must never fail silently
            self.error(exc)


W = TypeVar("W", bound=widgets.DOMWidget)


def classed(widget: W, css_class: str) -> W:
    """``widget`` with a stable CSS class added (the browser test finds widgets by it)."""
    widget.add_class(css_class)
    return widget


def guarded(status: StatusMessage, func: Callable[[], T]) -> Callable[[object], None]:
    """Wrap ``func`` as an ``on_click`` handler that reports errors in ``status``."""

    def handler(_button: object = None) -> None:
        with status.guard():
            func()

    return handler
