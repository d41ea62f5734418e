"""The dependency lists in pyproject.toml and environment.yml must agree."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _name(req: str) -> str:
    return re.split(r"[<>=!\[ ;]", req, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {_name(r) for r in data["project"]["dependencies"]}


def _env_pip_deps(path: Path) -> set[str]:
    env = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {_name(r) for r in pip if not r.startswith(("-", "."))}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _env_pip_deps(ROOT / "environment.yml") == _pyproject_deps()


def test_environment_yml_pins_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert any(str(d).startswith("python=") for d in env["dependencies"])


def test_jupyter_server_has_the_stored_xss_fix_in_the_requirements_and_the_lock():
    """CVE-2026-44727 is fixed in jupyter-server 2.20.0: required and locked at or above it."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "jupyter-server>=2.20.0" in data["project"]["dependencies"]
    assert "jupyter-server>=2.20.0" in (ROOT / "environment.yml").read_text()
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (version,) = [p["version"] for p in lock["package"] if p["name"] == "jupyter-server"]
    assert tuple(int(x) for x in version.split(".")[:2]) >= (2, 20)


def test_the_lab_set_leaves_out_the_test_tools():
    """`make lab` installs [project.dependencies] only: the test tools are the `test` extra."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in data["dependencies"]}
    assert not runtime & {"pytest", "playwright", "awscli", "jupyter-repo2docker", "nbval"}
    assert {"pytest", "pytest-xdist"} <= {_name(r) for r in data["optional-dependencies"]["test"]}


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make lab" in readme
    assert "make test" in ci
