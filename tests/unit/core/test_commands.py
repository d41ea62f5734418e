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


def test_migrate_lists_then_moves_a_legacy_profile_keeping_the_rest(
    isolated_aws_home: Path, capsys
) -> None:
    path = isolated_aws_home / ".aws" / "config"
    path.write_text(
        "# keep me\n[profile old]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
        "\n[profile other]\nregion = us-west-2\n"
    )
    assert main(["migrate"]) == 0
    assert "old: legacy SSO keys" in capsys.readouterr().out

    assert main(["migrate", "--profile", "old"]) == 2  # the session name is required
    assert "--sso-session" in capsys.readouterr().err

    assert main(["migrate", "--profile", "old", "--sso-session", "corp"]) == 0
    text = path.read_text()
    assert text.startswith("# keep me\n[profile old]\n")
    assert "[profile other]\nregion = us-west-2\n" in text
    assert "sso_session = corp" in text and "[sso-session corp]" in text
    profile_part = text.split("[profile other]")[0]
    assert "sso_start_url" not in profile_part and "sso_region" not in profile_part

    import botocore.session

    merged = botocore.session.Session(profile="old").get_scoped_config()
    assert merged["sso_session"] == "corp"
    assert main(["migrate"]) == 0
    assert "nothing to migrate" in capsys.readouterr().out


@pytest.fixture
def collector_restored():
    import gc

    yield gc
    gc.enable()


def test_a_short_command_of_this_process_runs_without_the_cycle_collector(
    isolated_aws_home: Path, monkeypatch, collector_restored
) -> None:
    gc = collector_restored
    monkeypatch.setattr("sys.argv", ["sso-kit", "status", "--profile", "nobody"])
    assert main() != 0  # no such profile: an error, handled
    assert not gc.isenabled()


def test_main_called_with_arguments_leaves_the_callers_collector_alone(
    isolated_aws_home: Path, collector_restored
) -> None:
    assert main(["status", "--profile", "nobody"]) != 0
    assert collector_restored.isenabled()


def test_only_the_session_commands_are_short_lived() -> None:
    parser = build_parser()
    assert parser.parse_args(["ls"]).short_lived
    assert not getattr(parser.parse_args(["sandbox"]), "short_lived", False)


def test_a_login_that_starts_waiting_collects_again(collector_restored) -> None:
    from sso_kit.cli.session import _print_pending
    from sso_kit.login import PendingAuthorization

    gc = collector_restored
    gc.disable()
    pending = PendingAuthorization("http://127.0.0.1:1/device", "ABCD-EFGH", "u", None, 5.0)
    _print_pending(no_browser=True)(pending)  # type: ignore[arg-type]
    assert gc.isenabled()
    gc.unfreeze()
