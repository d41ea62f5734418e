"""binder/ makes mybinder.org launch the kit: checks that can run offline, without Docker."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[3]
BINDER = ROOT / "binder"
SCRIPTS = ("postBuild", "start")


def _name(req: str) -> str:
    return re.split(r"[<>=!\[ ;]", req, maxsplit=1)[0].lower().replace("_", "-")


def _locked_versions() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {_name(p["name"]): p["version"] for p in lock["package"] if "version" in p}


def _binder_pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = line.split(";", 1)[0].strip()
            assert "==" in requirement, f"binder/requirements.txt must pin exactly: {line!r}"
            name, version = requirement.split("==", 1)
            pins[_name(name)] = version.strip()
    return pins


def test_binder_installs_the_locked_versions_of_every_runtime_requirement():
    """binder/requirements.txt is uv.lock's runtime set (`make lock` writes it): same versions."""
    pins = _binder_pins()
    locked = _locked_versions()
    assert pins, "binder/requirements.txt is empty: run `make lock`"
    assert {name: locked.get(name) for name in pins} == pins, "stale: run `make lock`"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {_name(r) for r in pyproject["dependencies"]} <= set(pins)
    # the test tools stay out of the image
    assert "pytest" not in pins and "playwright" not in pins


def test_binder_environment_pins_python_and_leaves_packages_to_the_lock():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    assert any(str(d).startswith("python=3.") for d in env["dependencies"])
    # unpinned pip names here would be resolved afresh, apart from the lock
    assert not [d for d in env["dependencies"] if isinstance(d, dict)]
    assert "-r binder/requirements.txt" in (BINDER / "postBuild").read_text()


@pytest.mark.parametrize("script", SCRIPTS)
def test_binder_script_is_executable_bash_with_valid_syntax(script):
    path = BINDER / script
    assert os.access(path, os.X_OK), (
        f"binder/{script} must be executable (git update-index --chmod=+x)"
    )
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in path.read_text(), "a failing step must fail the build/start"
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_binder_scripts_are_executable_in_git_too():
    """repo2docker clones from git: the index mode is what counts, not the working tree's."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the binder checks need the git checkout to verify file modes")
    listed = subprocess.run(
        ["git", "ls-files", "-s", *(f"binder/{s}" for s in SCRIPTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    modes = {line.split()[-1]: line.split()[0] for line in listed}
    for script in SCRIPTS:
        assert modes.get(f"binder/{script}") == "100755", f"binder/{script} not committed +x"


def test_start_hands_over_to_the_notebook_server_last():
    lines = [
        ln.strip()
        for ln in (BINDER / "start").read_text().splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    assert lines[-1] == 'exec "$@"'
    text = (BINDER / "start").read_text()
    assert "start-background" in text, "the sandbox must start in the background"
    assert "--auto-approve" not in text, "the learner approves in the browser"


def test_post_build_installs_the_package_and_silences_the_news_popup():
    text = (BINDER / "postBuild").read_text()
    assert "python -m pip install --no-deps" in text
    assert '"fetchNews": "false"' in text and "overrides.json" in text


def test_post_build_opens_the_text_notebooks_as_notebooks():
    text = (BINDER / "postBuild").read_text()
    overrides = json.loads(text.split("<<'JSON'\n", 1)[1].split("\nJSON", 1)[0])
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_start_runs_a_real_sandbox_behind_the_proxy_path_then_execs_the_command(tmp_path):
    """binder/start for real, as JupyterHub would call it: the exec'd command sees the sandbox."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "JUPYTERHUB_SERVICE_PREFIX": "/user/ada/",
    }
    for name in ("SSO_KIT_SANDBOX_URL", "SSO_KIT_SANDBOX_PUBLIC_URL", "SSO_KIT_SANDBOX_PORT"):
        env.pop(name, None)
    show = (
        'echo "$SSO_KIT_SANDBOX_URL $SSO_KIT_SANDBOX_PUBLIC_URL ${SSO_KIT_SANDBOX_ADMIN_KEY:+key}"'
    )
    state_file = tmp_path / ".sso-kit" / "sandbox.json"
    try:
        result = subprocess.run(
            [str(BINDER / "start"), "sh", "-c", show],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        url, public, key = result.stdout.split()
        port = url.rsplit(":", 1)[1]
        assert url == f"http://127.0.0.1:{port}"
        assert public == f"/user/ada/proxy/{port}", "verification URIs must go through the proxy"
        assert key == "key", "kernels need the admin key for the sandbox's admin steps"
        with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=10) as resp:
            assert json.load(resp)["service"] == "sso-kit-sandbox"
    finally:
        if state_file.exists():
            pid = json.loads(state_file.read_text())["pid"]
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def test_repo2docker_reads_the_binder_folder_offline():
    exe = Path(sys.executable).with_name("repo2docker")
    assert exe.exists(), "jupyter-repo2docker is in the test extras: pip install -e '.[test]'"
    result = subprocess.run(
        [str(exe), "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-2000:]
    assert "python=3.11" in out
    assert '--file "binder/environment.yml"' in out
    assert "./binder/postBuild" in out
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in out
