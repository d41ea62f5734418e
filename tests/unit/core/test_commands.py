"""CLI spellings other tools depend on, parsed in-process (no network, no sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sso_kit.cli import build_parser, main


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(
            "configure --profile P --sso-session S --start-url U --sso-region R "
            "--account-id 1 --role-name X --region R2 --output json --scopes a,b "
            "--endpoint-url http://127.0.0.1:1",
            id="configure with every option",
        ),
        pytest.param("login --profile P --use-device-code --no-browser --force", id="login dev"),
        pytest.param("login --sso-session S --pkce", id="login pkce by session"),
        pytest.param("status --sso-session S", id="status by session"),
        pytest.param("ls --profile P", id="ls"),
        pytest.param("logout --all", id="logout all"),
        pytest.param("logout --sso-session S", id="logout one session"),
    ],
)
def test_documented_spellings_parse(argv: str) -> None:
    args = build_parser().parse_args(argv.split())
    assert callable(args.func)


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param("login --profile P --sso-session S", id="profile and session together"),
        pytest.param("login --use-device-code --pkce", id="two flows at once"),
        pytest.param("logout --all --sso-session S", id="all and one session"),
        pytest.param("configure --profile P", id="configure missing required options"),
    ],
)
def test_conflicting_options_are_usage_errors(argv: str) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv.split())
    assert info.value.code == 2


def test_configure_reports_fixes_and_legacy_profiles(isolated_aws_home: Path, capsys) -> None:
    (isolated_aws_home / ".aws" / "config").write_text(
        "[profile old]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    )
    code = main(
        [
            "configure",
            "--profile",
            "dev",
            "--sso-session",
            "my-sso",
            "--start-url",
            "https://d-1234567890.awsapps.com/start/#/",
            "--sso-region",
            "us-east-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnly",
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert "sso-kit: note: Start URL cleaned up" in out.err
    assert 'profile "old" does not use an [sso-session]' in out.err
    assert "sso_start_url = https://d-1234567890.awsapps.com/start\n" in out.out
