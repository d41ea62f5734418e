"""A multiple-choice question that explains every answer, right or wrong.

The questions are data (``prompt`` and ``choices``, each with ``text``, ``correct`` and
``why``), kept in the course package; this widget only asks and explains. Choosing an answer
shows why it is right or wrong; once answered correctly, the reasons for every choice appear,
because the wrong ones teach as much as the right one.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets


class Quiz(widgets.VBox):
    """One question: radio buttons, "Check answer", and an explanation per choice."""

    def __init__(self, question: Any) -> None:
        self.question = question
        self.attempts = 0
        self.solved = False
        self.prompt = widgets.HTMLMath(f"<b>{html.escape(question.prompt)}</b>")
        self.options = widgets.RadioButtons(
            options=[(c.text, i) for i, c in enumerate(question.choices)],
            value=None,
            layout=widgets.Layout(width="max-content"),
        )
        self.answer_button = widgets.Button(description="Check answer")
        self.feedback = widgets.HTML()
        self.all_reasons = widgets.HTML()
        self.answer_button.add_class("sso-quiz-answer")
        self.feedback.add_class("sso-quiz-feedback")
        self.answer_button.on_click(lambda _b: self.answer())
        super().__init__(
            [self.prompt, self.options, self.answer_button, self.feedback, self.all_reasons]
        )
        self.add_class("sso-quiz")

    def answer(self, index: int | None = None) -> bool:
        """Judge the chosen answer (or ``index``); returns whether it is right."""
        if index is not None:
            self.options.value = index
        if self.options.value is None:
            self.feedback.value = '<span style="color:#9a6700">Choose an answer first.</span>'
            return False
        self.attempts += 1
        choice = self.question.choices[self.options.value]
        colour, verdict = ("#1a7f37", "Right.") if choice.correct else ("#cf222e", "Not quite.")
        self.feedback.value = (
            f'<span style="color:{colour}"><b>{verdict}</b> {html.escape(choice.why)}</span>'
        )
        if choice.correct:
            self.solved = True
            self.all_reasons.value = (
                "<ul>"
                + "".join(
                    f"<li>{'✓' if c.correct else '✗'} <i>{html.escape(c.text)}</i>: "
                    f"{html.escape(c.why)}</li>"
                    for c in self.question.choices
                )
                + "</ul>"
            )
        return bool(choice.correct)


def quiz_box(questions: list[Any]) -> widgets.VBox:
    """Several questions stacked, for the end of a step."""
    box = widgets.VBox([Quiz(q) for q in questions])
    box.add_class("sso-quiz-box")
    return box
