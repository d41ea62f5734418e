"""The tutorial run's own HOME starts with what the caller's HOME knows of ``aws --version``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sso_kit.aws_version import version_output
from sso_kit.course.runner import _carry_aws_versions


def _fake_aws(folder: Path, version: str) -> Path:
    script = folder / "aws"
    script.write_text(f"#!/bin/sh\necho aws-cli/{version} Python/3.11.9 Linux/6 exe/x86_64\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_the_run_home_gets_the_callers_answers_and_a_changed_cli_is_asked_again(
    isolated_aws_home, tmp_path, monkeypatch
):
    aws = _fake_aws(tmp_path, "2.36.7")
    assert version_output(aws).startswith("aws-cli/2.36.7")  # asked, kept in the caller's HOME
    run_home = tmp_path / "run-home"
    _carry_aws_versions(run_home)
    carried = run_home / ".sso-kit" / "aws-versions.json"
    caller = isolated_aws_home / ".sso-kit" / "aws-versions.json"
    assert carried.read_bytes() == caller.read_bytes()
    assert str(aws) in json.loads(carried.read_text("utf-8"))
    assert stat.S_IMODE(os.stat(carried.parent).st_mode) == 0o700

    monkeypatch.setenv("HOME", str(run_home))
    assert version_output(aws).startswith("aws-cli/2.36.7")  # known in the run's HOME
    aws.write_text("#!/bin/sh\necho aws-cli/2.40.0 Python/3.11.9\n")  # the CLI updated
    assert version_output(aws).startswith("aws-cli/2.40.0")  # asked again


def test_a_run_home_with_answers_of_its_own_keeps_them(isolated_aws_home, tmp_path):
    version_output(_fake_aws(tmp_path, "2.36.7"))
    own = tmp_path / "kept-home" / ".sso-kit" / "aws-versions.json"
    own.parent.mkdir(parents=True)
    own.write_text("{}", "utf-8")
    _carry_aws_versions(own.parent.parent)
    assert own.read_text("utf-8") == "{}"


def test_nothing_known_leaves_the_run_home_as_it_was(isolated_aws_home, tmp_path):
    (isolated_aws_home / ".sso-kit" / "aws-versions.json").unlink(missing_ok=True)
    _carry_aws_versions(tmp_path / "run-home")
    assert not (tmp_path / "run-home").exists()
