"""Finding and judging ``aws`` commands, the terminal's environment, and ``sso-kit env``.

The ``aws`` commands here are tiny shell scripts that print what real v1, old v2 and current
v2 print for ``--version`` (v1 on stderr, v2 on stdout).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from kit_cli import run_kit

from sso_kit.course import awscli
from sso_kit.course.awscli import (
    AwsCliInstallError,
    find_all,
    install,
    kit_bin_dir,
    parse_version,
    preferred,
    terminal_environment,
)

V1 = "aws-cli/1.46.8 Python/3.11.7 Linux/6.1 botocore/1.44.8"
OLD_V2 = "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off"
V2 = "aws-cli/2.36.7 Python/3.11.7 Linux/6.1 source/x86_64.debian.12"


def fake_aws(folder: Path, version: str, *, stderr: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "aws"
    script.write_text(f"#!/bin/sh\necho '{version}'{' >&2' if stderr else ''}\n")
    script.chmod(0o755)
    return script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (V1, (1, 46, 8)),
        (OLD_V2, (2, 9, 19)),
        (V2, (2, 36, 7)),
        ("command not found", None),
    ],
)
def test_parse_version_reads_the_cli_banner(text, expected):
    assert parse_version(text) == expected


def test_every_aws_on_path_is_listed_in_order_with_a_verdict(tmp_path):
    v1 = fake_aws(tmp_path / "venv-bin", V1, stderr=True)
    old = fake_aws(tmp_path / "usr-bin", OLD_V2)
    new = fake_aws(tmp_path / "local-bin", V2)
    (tmp_path / "dup").mkdir()
    (tmp_path / "dup" / "aws").symlink_to(new)  # the same program twice is listed once
    search = (
        os.pathsep.join(str(p.parent) for p in (v1, old, new)) + os.pathsep + str(tmp_path / "dup")
    )

    found = find_all(search)

    assert [c.path for c in found] == [str(v1), str(old), str(new)]
    assert [c.major for c in found] == [1, 2, 2]
    assert [c.usable for c in found] == [False, False, True]
    assert "no `aws sso login`" in found[0].verdict
    assert "older than 2.13.0" in found[1].verdict and "endpoint_url" in found[1].verdict
    assert preferred(search).path == str(new)


def test_the_kits_own_cli_is_preferred_even_when_not_on_path(tmp_path):
    on_path = fake_aws(tmp_path / "local-bin", V2)
    real = fake_aws(awscli.install_dir() / "bin", "aws-cli/2.30.0 Python/3.11")
    kit_bin_dir().mkdir(parents=True)
    (kit_bin_dir() / "aws").symlink_to(real)

    best = preferred(str(on_path.parent))

    assert best is not None and best.kit and best.version == (2, 30, 0)


def test_no_usable_cli_means_none(tmp_path):
    fake_aws(tmp_path / "bin", V1, stderr=True)
    assert preferred(str(tmp_path / "bin")) is None


def counting_aws(folder: Path, version: str) -> tuple[Path, Path]:
    """A fake ``aws`` that prints ``version`` and adds a line to a log each time it runs."""
    folder.mkdir(parents=True, exist_ok=True)
    runs = folder / "runs.log"
    script = folder / "aws"
    script.write_text(f"#!/bin/sh\necho run >> '{runs}'\necho '{version}'\n")
    script.chmod(0o755)
    return script, runs


def test_a_version_is_asked_once_per_program_file(tmp_path):
    script, runs = counting_aws(tmp_path / "bin", V2)

    first = awscli.inspect(script)
    again = [awscli.inspect(script), *find_all(str(script.parent))]

    assert first.version == (2, 36, 7) and all(c.version_text == V2 for c in again)
    assert runs.read_text().count("run") == 1
    assert str(script) in awscli.version_cache_path().read_text()


def test_doctor_reads_the_answer_the_finder_got(tmp_path):
    from sso_kit.diagnose.base import _aws_version

    script, runs = counting_aws(tmp_path / "bin", V1)
    awscli.inspect(script)

    assert _aws_version(str(script)) == V1
    assert runs.read_text().count("run") == 1


def test_a_new_program_at_the_same_path_is_asked_again(tmp_path):
    script, runs = counting_aws(tmp_path / "bin", OLD_V2)
    assert awscli.inspect(script).version == (2, 9, 19)
    script.unlink()  # an update replaces the file: a new inode, size and time
    counting_aws(tmp_path / "bin", V2)

    assert awscli.inspect(script).version == (2, 36, 7)
    assert runs.read_text().count("run") == 2


def test_an_answer_without_a_version_is_not_remembered(tmp_path):
    script, runs = counting_aws(tmp_path / "bin", "Traceback (most recent call last):")
    assert awscli.inspect(script).version is None
    assert awscli.inspect(script).version is None
    assert runs.read_text().count("run") == 2


def test_a_damaged_cache_file_is_ignored(tmp_path):
    script, _runs = counting_aws(tmp_path / "bin", V2)
    awscli.version_cache_path().parent.mkdir(parents=True, exist_ok=True)
    awscli.version_cache_path().write_text("{not json")
    assert awscli.inspect(script).version == (2, 36, 7)
    assert awscli.inspect(script).version == (2, 36, 7)


def test_terminal_environment_routes_to_the_sandbox_and_puts_the_kit_first():
    env = terminal_environment({"PATH": "/usr/bin:/bin"}, sandbox_url="http://127.0.0.1:4567")
    parts = env["PATH"].split(os.pathsep)
    assert parts == [str(kit_bin_dir()), "/usr/bin", "/bin"]  # no venv bin: its aws may be v1
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4567"


def test_terminal_environment_for_real_aws_drops_the_sandbox_endpoint_only():
    sandbox = {
        "PATH": "/bin",
        "SSO_KIT_SANDBOX_URL": "http://127.0.0.1:1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
    }
    assert "AWS_ENDPOINT_URL" not in terminal_environment(sandbox, sandbox_url=None)
    own = {"PATH": "/bin", "AWS_ENDPOINT_URL": "https://vpce.example.com"}
    assert (
        terminal_environment(own, sandbox_url=None)["AWS_ENDPOINT_URL"] == own["AWS_ENDPOINT_URL"]
    )


def test_install_from_a_missing_file_says_what_to_pass(tmp_path):
    with pytest.raises(AwsCliInstallError, match="is not a file") as err:
        install(tmp_path / "nope.whl", target=tmp_path / "venv", progress=lambda _l: None)
    assert "wheel" in str(err.value)


def test_install_from_an_unreachable_download_suggests_from(tmp_path, monkeypatch):
    # a closed loopback port stands in for a machine without that download
    from sso_kit.net import free_port

    url = f"http://127.0.0.1:{free_port()}/awscli.tar.gz"
    lines: list[str] = []
    with pytest.raises(AwsCliInstallError) as err:
        install(url, target=tmp_path / "venv", progress=lines.append, timeout=2)
    assert "cannot be downloaded" in str(err.value)
    assert "--from PATH" in str(err.value)
    assert lines and "Checking" in lines[0]
    assert not (tmp_path / "venv").exists(), "nothing is created before the download works"


def _fake_tool(path: Path, exit_code: int) -> str:
    path.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    path.chmod(0o755)
    return str(path)


def test_find_uv_takes_the_variable_then_path(tmp_path, monkeypatch):
    uv = _fake_tool(tmp_path / "uv", 0)
    monkeypatch.setenv("SSO_KIT_UV", uv)
    assert awscli.find_uv() == uv
    monkeypatch.setenv("SSO_KIT_UV", str(tmp_path / "missing"))
    assert awscli.find_uv() is None
    monkeypatch.delenv("SSO_KIT_UV")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert awscli.find_uv() == uv


def test_install_falls_back_to_pip_when_uv_fails(tmp_path, monkeypatch):
    """A uv that cannot install (say, the machine reaches only its pip mirror) costs nothing."""
    wheel = tmp_path / "awscli-2.0.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    monkeypatch.setenv("SSO_KIT_UV", _fake_tool(tmp_path / "uv", 1))
    ran: list[list[str]] = []

    def step(argv: list[str], what: str, progress) -> None:
        ran.append(argv)
        if argv[1:3] == ["pip", "install"]:  # uv's install fails as the fake uv would
            raise AwsCliInstallError(f"{what} failed (exit code 1).")
        if argv[1:2] == ["venv"]:
            (tmp_path / "venv" / "bin").mkdir(parents=True)
            (tmp_path / "venv" / "bin" / "python").touch()

    monkeypatch.setattr(awscli, "_run_step", step)
    monkeypatch.setattr(awscli, "inspect", lambda path: awscli.AwsCli(str(path), (2, 99, 0), "aws-cli/2.99.0"))
    lines: list[str] = []
    install(wheel, target=tmp_path / "venv", progress=lines.append, link=False)
    tools = [Path(argv[0]).name for argv in ran]
    assert tools == ["uv", "uv", "python"], ran
    assert ran[-1][1:3] == ["-m", "pip"]
    assert any("trying pip" in line for line in lines), lines


def test_sso_kit_env_prints_lines_to_eval_for_the_running_sandbox(isolated_aws_home):
    state = isolated_aws_home / ".sso-kit" / "sandbox.json"
    state.parent.mkdir(parents=True, exist_ok=True)  # ~/.sso-kit may exist already
    state.write_text('{"url": "http://127.0.0.1:4567"}')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSO_KIT_")}

    proc = run_kit("env", env=env)

    assert proc.returncode == 0, proc.stderr
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4567" in proc.stdout
    assert f"export PATH={kit_bin_dir()}" in proc.stdout
    shell = subprocess.run(
        ["/bin/sh", "-c", f'eval "$({sys.executable} -m sso_kit env)"; echo "$AWS_ENDPOINT_URL"'],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.stdout.strip() == "http://127.0.0.1:4567"


def test_sso_kit_env_without_a_sandbox_is_an_error_with_a_next_step(isolated_aws_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSO_KIT_")}
    proc = run_kit("env", env=env)
    assert proc.returncode == 8
    assert proc.stderr.startswith("sso-kit: error: No running sandbox found")
    assert "--real-aws" in proc.stderr
    real = run_kit("env", "--real-aws", env=env)
    assert real.returncode == 0 and "unset AWS_ENDPOINT_URL" in real.stdout


def test_sso_kit_awscli_status_lists_and_judges(tmp_path, isolated_aws_home):
    fake_aws(tmp_path / "bin", OLD_V2)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}/usr/bin:/bin"}
    proc = run_kit("awscli", "status", env=env)
    assert proc.returncode == 9
    assert "2.9.19" in proc.stdout and "cannot reach the sandbox" in proc.stdout
    assert "sso-kit awscli install" in proc.stdout
