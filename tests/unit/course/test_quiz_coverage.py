"""Every step 01-09 asks 1-3 questions in its notebook, each with one right answer and a reason per answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from sso_kit.course.quiz import questions

ROOT = Path(__file__).resolve().parents[3]
STEPS = [f"{n:02d}" for n in range(1, 10)]


@pytest.mark.parametrize("step", STEPS)
def test_each_step_has_questions_with_reasons(step):
    asked = questions(step)
    assert 1 <= len(asked) <= 3, f"step {step} has {len(asked)} questions"
    for question in asked:
        assert sum(c.correct for c in question.choices) == 1, question.prompt
        assert len(question.choices) >= 2
        assert all(len(c.why) > 20 for c in question.choices), question.prompt


@pytest.mark.parametrize("step", STEPS)
def test_the_step_notebook_shows_its_questions(step):
    text = next((ROOT / "notebooks").glob(f"{step}_*.md")).read_text("utf-8")
    assert f'quiz("{step}")' in text


def test_the_right_answer_is_not_always_the_first():
    places = [
        next(i for i, c in enumerate(q.choices) if c.correct) for s in STEPS for q in questions(s)
    ]
    assert len(set(places)) > 1, places
    assert places.count(0) < len(places) * 0.75, places
