"""`sso-kit check STEP`: terminal wording, exit 10 until the step is done, JSON on request."""

from __future__ import annotations

import json

from test_checks import CLI_CONFIG, write_config

from sso_kit.cli import main


def test_check_says_the_command_and_exits_10_until_done(isolated_aws_home, capsys):
    assert main(["check", "05", "--real-aws"]) == 10
    out = capsys.readouterr().out
    assert "Hint: Run aws configure sso --profile sso-kit-tutorial" in out
    assert "sso-kit check 05 --solution" in out
    write_config(isolated_aws_home, CLI_CONFIG)
    assert main(["check", "5", "--real-aws"]) == 0
    assert "Step 05 is done." in capsys.readouterr().out


def test_check_json_and_solution(isolated_aws_home, capsys):
    assert main(["check", "06", "--real-aws", "--json"]) == 10
    data = json.loads(capsys.readouterr().out)
    assert data["step"] == "06" and data["context"] == "terminal" and not data["ok"]
    assert main(["check", "08", "--real-aws", "--solution"]) == 0
    assert "aws sso logout --profile sso-kit-tutorial" in capsys.readouterr().out
