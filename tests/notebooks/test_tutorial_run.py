"""`sso-kit tutorial run` end to end against a real sandbox, and the batch runner's failures.

The secrets test runs the whole tutorial through the CLI in two halves sharing one HOME, so the
token and client-registration caches can be read between them (step 08 deletes the token), and
takes every role credential the sandbox issued from moto's STS backend (the sandbox runs in this
process). None of those values may appear in any executed notebook, widget state included.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from kit_cli import run_kit

from sso_kit.course.runner import StepResult, format_summary, run_tutorial

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_kit("tutorial", "run", "--no-progress", *args, timeout=900)


def _cache_secrets(home: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {
        "accessToken": set(),
        "refreshToken": set(),
        "clientSecret": set(),
    }
    for path in (home / ".aws" / "sso" / "cache").glob("*.json"):
        data = json.loads(path.read_text())
        for key in found:
            if data.get(key):
                found[key].add(data[key])
    return found


def _role_secrets() -> set[str]:
    from moto.sts.models import sts_backends

    secrets = set()
    for partitions in list(sts_backends.values()):
        for backend in list(partitions.values()):
            for role in backend.assumed_roles:
                secrets.update({role.secret_access_key, role.session_token})
    return secrets


def test_whole_tutorial_runs_and_leaks_no_secret(tmp_path, monkeypatch):
    from sso_kit.sandbox import Sandbox

    home = tmp_path / "tutorial-home"
    out = tmp_path / "out"
    with Sandbox(host="127.0.0.1", port=0, auto_approve=True) as sandbox:
        # A sandbox of this process has no state file: hand its admin secret on with its URL.
        monkeypatch.setenv("SSO_KIT_SANDBOX_ADMIN_KEY", sandbox.admin_key)
        roles_before = _role_secrets()
        first = _cli(
            "--output-dir", str(out), "--home", str(home), "--sandbox-url", sandbox.url,
            "--notebooks", "00", "01", "02", "03", "04", "05", "06", "07",
        )  # fmt: skip
        assert first.returncode == 0, first.stdout + first.stderr
        cached = _cache_secrets(home)
        second = _cli(
            "--output-dir", str(out), "--home", str(home), "--sandbox-url", sandbox.url,
            "--notebooks", "08", "09", "10",
        )  # fmt: skip
        assert second.returncode == 0, second.stdout + second.stderr
        roles = _role_secrets() - roles_before

    for step in ("00_start_here", "06_login", "09_clean_up"):
        assert step in first.stdout + second.stdout
    assert "seconds" in first.stdout
    assert cached["accessToken"], "the login step left no token to check for"
    assert cached["clientSecret"], "no client registration was cached"
    assert roles, "no role credentials were issued, so step 07 did not reach S3"
    secrets = set().union(*cached.values(), roles, {sandbox.admin_key})

    executed = sorted(out.glob("*.ipynb"))
    assert len(executed) == 11
    login_nb = nbformat.read(out / "06_login.ipynb", as_version=4)
    assert login_nb.metadata.get("widgets"), "widget state must be saved (and scanned)"
    for path in executed:
        text = path.read_text()
        leaked = [s[:6] + "…" for s in secrets if s in text]
        assert not leaked, f"{path.name} contains secret values starting {leaked}"
    # the config was put back: the isolated HOME had none, so there is none now
    assert not (home / ".aws" / "config").exists()


def _failing_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("use_sandbox: bool = False")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("assert 1 + 1 == 3, 'arithmetic is broken'")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    path = folder / "99_broken.ipynb"
    nbformat.write(nb, path)
    return path


def test_failing_step_is_named_with_its_cell_and_exit_code(tmp_path):
    path = _failing_notebook(tmp_path)
    result = _cli("--output-dir", str(tmp_path / "out"), "-p", "use_sandbox", "False",
                  "--notebooks", str(path))  # fmt: skip
    assert result.returncode == 1
    assert "99_broken" in result.stdout and "failed" in result.stdout
    assert re.search(
        r"99_broken\.ipynb failed at cell \d+ of the executed notebook \(In \[\d+\]\)",
        result.stderr,
    )
    assert "AssertionError: arithmetic is broken" in result.stderr
    assert (tmp_path / "out" / "99_broken.ipynb").exists()


def test_unknown_notebook_name_lists_the_choices(tmp_path):
    result = _cli("--output-dir", str(tmp_path), "--notebooks", "42_nope")
    assert result.returncode == 1
    assert "00_start_here" in result.stderr


def test_summary_table_has_step_status_seconds():
    table = format_summary(
        [StepResult("00_start_here", "ok", 1.25), StepResult("01_x", "skipped", 0)]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["step", "status", "seconds"]
    assert lines[2].split() == ["00_start_here", "ok", "1.2"] or lines[2].split()[2] == "1.3"
    assert lines[3].split()[:2] == ["01_x", "skipped"]


def test_run_tutorial_stops_after_a_failure(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("SSO_KIT_SANDBOX_URL", "http://127.0.0.1:9")
    before = dict(os.environ)
    broken = _failing_notebook(tmp_path)
    results = run_tutorial(
        tmp_path / "out", {"use_sandbox": False}, [str(broken), "04"], progress=False
    )
    assert [r.status for r in results] == ["failed", "skipped"]
    assert "arithmetic is broken" in results[0].error
    assert dict(os.environ) == before, "the run must give the caller its environment back"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_default_run_never_touches_the_callers_home(isolated_aws_home, tmp_path):
    config = isolated_aws_home / ".aws" / "config"
    config.write_bytes(b"[default]\nregion = eu-west-1\n")
    kit_folder = _files(isolated_aws_home / ".sso-kit")
    result = _cli("--output-dir", str(tmp_path / "out"), "--notebooks", "00", "05")
    assert result.returncode == 0, result.stdout + result.stderr
    assert config.read_bytes() == b"[default]\nregion = eu-west-1\n"
    assert _files(isolated_aws_home / ".sso-kit") == kit_folder  # nothing added or changed
    executed = nbformat.read(tmp_path / "out" / "05_configure_profile.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    # 05 printed the sections it wrote, in the run's own HOME
    assert "[profile sso-kit-tutorial]" in printed and "sso_session = sso-kit" in printed


@pytest.mark.parametrize(
    ("raw", "value"),
    [("2", 2), ("3.5", 3.5), ("False", False), ("None", None), ("my-profile", "my-profile"),
     ("111122223333", 111122223333), ("012345678901", "012345678901")],
)  # fmt: skip
def test_parameter_values_are_typed_like_papermill(raw, value):
    from sso_kit.course.runner import _parse_value

    assert _parse_value(["name", raw]) == ("name", value)


def test_an_unreadable_notebook_fails_its_step_and_skips_the_rest(tmp_path):
    """Notebooks are read ahead on a thread; a file that is no notebook still fails its step."""
    broken = tmp_path / "00_broken.ipynb"
    broken.write_text("{ this is not json", encoding="utf-8")
    results = run_tutorial(
        tmp_path / "out", {"use_sandbox": False}, [str(broken), "04"], progress=False
    )
    assert [r.status for r in results] == ["failed", "skipped"]
    assert results[0].error.startswith("00_broken.ipynb failed at a cell")
