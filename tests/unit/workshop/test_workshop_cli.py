"""``sso-kit workshop`` as a command: one-line errors with the next step, never a traceback."""

from __future__ import annotations

import pytest

from sso_kit.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["workshop", "handout"], "There is no workshop in"),
        (["workshop", "start"], "the number of learners is needed"),
        (["workshop", "start", "--learners", "0"], "between 1 and 999"),
        (["workshop", "check", "--url", "http://127.0.0.1:9"], "needs the workshop URL, a spare"),
    ],
)
def test_errors_are_one_line_with_a_hint(tmp_path, capsys, argv, message):
    code = main([*argv, "--data-dir", str(tmp_path / "ws")])
    err = capsys.readouterr().err
    assert code == 8
    assert err.startswith("sso-kit: error: ") and message in err
    assert "Traceback" not in err and err.count("\n") == 1
