"""The Check my work and quiz widgets, driven by .click() and .value= as a learner would."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from sso_kit.course import checks, quiz
from sso_kit.course.checks import CheckResult
from sso_kit.ui.check import CheckWork
from sso_kit.ui.quiz import Quiz


def failing() -> CheckResult:
    return CheckResult(
        step="06",
        ok=False,
        context="notebook",
        passed=["[sso-session sso-kit] is there."],
        missing=["There is no token file: you are not logged in."],
        hint="Click Log in, open the link and approve the code.",
        solution="Click Log in, open the link <and> approve.",
    )


def passing() -> CheckResult:
    return CheckResult(step="06", ok=True, context="notebook", passed=["Token is valid."])


def test_clicking_check_shows_what_is_missing_and_the_hint():
    seen = []
    widget = CheckWork(failing, on_result=seen.append)
    widget.check_button.click()
    assert "Not done yet: 1 thing(s) missing." in widget.outcome.value
    assert "✗ There is no token file" in widget.outcome.value
    assert "Click Log in, open the link" in widget.outcome.value
    assert widget.solution_button.layout.display is None  # offered
    assert widget.solution.layout.display == "none"  # but not shown yet
    assert [r.step for r in seen] == ["06"]


def test_show_solution_reveals_it_escaped():
    widget = CheckWork(failing)
    widget.check_button.click()
    widget.solution_button.click()
    assert widget.solution.layout.display is None
    assert "&lt;and&gt;" in widget.solution.value


def test_a_passing_check_shows_a_tick_and_no_solution_button():
    results = iter([failing(), passing()])
    widget = CheckWork(lambda: next(results))
    widget.check_button.click()
    widget.check_button.click()
    assert "✓ Step 06 is done." in widget.outcome.value
    assert widget.solution_button.layout.display == "none"


def test_an_error_in_the_check_is_shown_not_swallowed():
    def broken():
        raise RuntimeError("disk on fire")

    widget = CheckWork(broken)
    widget.check_button.click()
    assert "disk on fire" in widget.status.value


def test_check_my_work_headless_raises_with_the_hint(isolated_aws_home):
    kit = SimpleNamespace(
        profile="sso-kit-tutorial",
        sso_session="sso-kit",
        start_url="https://my-sso-portal.awsapps.com/start",
        sso_region="us-east-1",
        endpoint_url=None,
        use_sandbox=False,
        interactive=False,
    )
    with pytest.raises(AssertionError, match="Hint: Fill in the form and click Save profile"):
        checks.check_my_work("05", kit)
    recorded = json.loads(checks.checks_path().read_text())["results"]
    assert [(r["step"], r["ok"], r["path"]) for r in recorded] == [("05", False, "notebook")]
    kit.interactive = True
    widget = checks.check_my_work("08", kit)  # interactive: waits for the click
    assert widget.result is None
    widget.check_button.click()
    assert widget.result.ok


def test_quiz_explains_a_wrong_answer_then_every_answer_once_right():
    question = quiz.questions("06")[0]
    right = next(i for i, c in enumerate(question.choices) if c.correct)
    wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
    widget = Quiz(question)
    widget.options.value = wrong
    widget.answer_button.click()
    assert "Not quite." in widget.feedback.value
    assert widget.all_reasons.value == ""
    widget.options.value = right
    widget.answer_button.click()
    assert "Right." in widget.feedback.value
    assert widget.solved and widget.attempts == 2
    for choice in question.choices:
        assert choice.why.split(",")[0].replace("'", "&#x27;") in widget.all_reasons.value


def test_quiz_asks_for_a_choice_first():
    widget = Quiz(quiz.questions("05")[0])
    widget.answer_button.click()
    assert "Choose an answer first." in widget.feedback.value
    assert widget.attempts == 0


@pytest.mark.parametrize("step", ["01", "02", "03", "05", "06", "07", "08", "09"])
def test_every_step_has_one_to_three_questions_with_exactly_one_right_answer(step):
    found = quiz.questions(step)
    assert 1 <= len(found) <= 3
    for question in found:
        assert sum(c.correct for c in question.choices) == 1
        assert all(c.why for c in question.choices)
    assert len(quiz.quiz(step).children) == len(found)
